using System.Diagnostics;
using Observability.EndToEnd.Tests.Infrastructure;
using Observability.Tests.Shared;

namespace Observability.EndToEnd.Tests.Hosting;

/// <summary>
/// The product's command on a machine that lacks what the demo needs: it says so, with the workload's own words and
/// what to do, and exits, instead of a stack trace or a dashboard without the live data it promised.
/// </summary>
public sealed class DemoStartFailureTests
{
    [Fact]
    public async Task Without_the_demos_system_programs_the_command_names_them_and_exits_with_code_3()
    {
        var dataFolder = DashboardServer.NewDataFolder();
        // A PATH that holds dotnet and nothing else: no redis-server, no runuser, as on a machine without the packages.
        var bare = Path.Combine(dataFolder, "bare-path");
        Directory.CreateDirectory(bare);
        File.CreateSymbolicLink(Path.Combine(bare, "dotnet"), Environment.ProcessPath!);
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Observability.Dashboard.dll"),
            "--Dashboard:DataFolder", dataFolder, "--Dashboard:AdminPassword", "demo-failure-" + Guid.NewGuid().ToString("N")[..8],
            "--urls", $"http://127.0.0.1:{FreePort.Next()}",
            "--Collector:OtlpGrpcUrl", $"http://127.0.0.1:{FreePort.Next()}", "--Collector:OtlpHttpUrl", $"http://127.0.0.1:{FreePort.Next()}",
        })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["PATH"] = bare;
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(timeout.Token);

            var said = await error;
            Assert.True(process.ExitCode == 3, $"exit code {process.ExitCode}{Environment.NewLine}{await output}{Environment.NewLine}{said}");
            Assert.Contains("The sample workload (the demo) exited with code", said);
            Assert.Contains("The workload could not start:", said);
            Assert.Contains("redis-server (scripts/run.sh installs them when missing); --no-demo starts the dashboard without it.", said);
            Assert.DoesNotContain("   at ", said);
        }
        finally
        {
            DashboardServer.DeleteDataFolder(dataFolder);
        }
    }
}

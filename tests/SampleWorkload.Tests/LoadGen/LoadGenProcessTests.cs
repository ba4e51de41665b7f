using System.Diagnostics;
using System.Runtime.InteropServices;
using Observability.Tests.Shared;

namespace Observability.SampleWorkload.Tests.LoadGen;

/// <summary>The loadgen role as the launcher runs it: this binary in its own process, stopped by a signal.</summary>
public sealed class LoadGenProcessTests
{
    private const string Password = "process-test-password-19c2";
    private const int SigInt = 2;
    private const int SigTerm = 15;

    [Theory]
    [InlineData(SigTerm)]
    [InlineData(SigInt)]
    public async Task A_signal_stops_the_users_prints_the_summary_and_exits_0(int signal)
    {
        await using var fake = await FakeStorefront.StartAsync(Password);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Observability.SampleWorkload.dll"));
        foreach (var arg in new[] { "loadgen", "--target", fake.BaseAddress.ToString(), "--users", "20", "--think-time", "100ms", "--progress-interval", "300ms" })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["WORKLOAD_USER_PASSWORD"] = Password;
        // Its metrics go nowhere: a port nothing listens on.
        start.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{FreePort.Next()}";
        using var process = Process.Start(start)!;
        var lines = new List<string>();
        var firstProgress = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                return;
            }
            lock (lines)
            {
                lines.Add(line.Data);
            }
            if (line.Data.StartsWith("users 20/20", StringComparison.Ordinal))
            {
                firstProgress.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await firstProgress.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, Kill(process.Id, signal));
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        process.WaitForExit();

        Assert.Equal(0, process.ExitCode);
        lock (lines)
        {
            Assert.StartsWith("summary  ran ", lines[^1]);
            Assert.Contains("peak users 20", lines[^1]);
            Assert.Contains("errors 0.0%", lines[^1]);
        }
        Assert.Equal("", await errors);
        // The users stopped: nothing reaches the storefront any more.
        var requestsAfterExit = fake.Requests.Count;
        await Task.Delay(300);
        Assert.Equal(requestsAfterExit, fake.Requests.Count);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

using System.Diagnostics;
using Observability.SampleWorkload.Infrastructure;
using Observability.SampleWorkload.Tests.Infrastructure;

namespace Observability.SampleWorkload.Tests.Launcher;

/// <summary>Stopping the launcher with Ctrl+C (SIGINT) or SIGTERM leaves no process or server behind.</summary>
public sealed class LauncherShutdownTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(UnixProcess.SigTerm)]
    [InlineData(2 /* SIGINT, what Ctrl+C sends */)]
    public async Task A_signal_stops_PostgreSQL_primary_and_replica_and_Redis(int signal)
    {
        using var folder = new TempDataFolder();
        var gateway = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var launcher = LauncherProcess.Start(
            "run", "--phase", "3", "--users", "0", "--max-instances", "0", "--data", folder.Path, "--gateway-url", gateway.ToString());
        await launcher.WaitUntilReadyAsync(gateway, StartTimeout);
        var started = launcher.StartedProcesses(folder.Path);
        Assert.Equal(3, started.Values.Count(command => command.Contains("postgres", StringComparison.Ordinal) || command.StartsWith("redis-server", StringComparison.Ordinal)));

        UnixProcess.Signal(launcher.ProcessId, signal);
        var exitCode = await launcher.WaitForExitAsync(StopTimeout);

        Assert.Equal(0, exitCode);
        await AssertAllGoneAsync(started);
    }

    [Theory]
    [InlineData(UnixProcess.SigTerm)]
    [InlineData(2 /* SIGINT */)]
    public async Task A_signal_stops_every_service_instance_and_the_load_generator(int signal)
    {
        using var folder = new TempDataFolder();
        var gateway = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var launcher = LauncherProcess.Start(
            "run", "--phase", "4", "--users", "5", "--max-instances", "2", "--data", folder.Path, "--gateway-url", gateway.ToString());
        await launcher.WaitUntilReadyAsync(gateway, StartTimeout);
        var started = launcher.StartedProcesses(folder.Path);
        // Two storefronts, auth, payment, reporting and the load generator.
        Assert.Equal(6, started.Values.Count(command => command.Contains("Observability.SampleWorkload.dll", StringComparison.Ordinal)));

        UnixProcess.Signal(launcher.ProcessId, signal);
        var exitCode = await launcher.WaitForExitAsync(StopTimeout);

        Assert.Equal(0, exitCode);
        await AssertAllGoneAsync(started);
    }

    [Fact]
    public async Task Services_and_load_generator_stop_themselves_when_the_launcher_is_killed()
    {
        using var folder = new TempDataFolder();
        var gateway = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var launcher = LauncherProcess.Start(
            "run", "--phase", "2", "--users", "5", "--max-instances", "2", "--data", folder.Path, "--gateway-url", gateway.ToString());
        await launcher.WaitUntilReadyAsync(gateway, StartTimeout);
        var children = launcher.StartedProcesses(folder.Path)
            .Where(pair => pair.Value.Contains("Observability.SampleWorkload.dll", StringComparison.Ordinal))
            .ToDictionary();
        Assert.Equal(3, children.Count);

        UnixProcess.Signal(launcher.ProcessId, UnixProcess.SigKill);
        try
        {
            await AssertAllGoneAsync(children);
        }
        finally
        {
            // The servers do outlive a killed launcher (the next one sweeps them); this test is the next one.
            await StaleServerSweep.SweepAsync(folder.Path, Path.Combine(folder.Path, "pg"), Path.Combine(folder.Path, "redis"));
        }
    }

    [Fact]
    public async Task A_launcher_started_after_one_was_killed_stops_the_servers_it_left_behind()
    {
        using var folder = new TempDataFolder();
        var firstGateway = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        Dictionary<int, string> leftBehind;
        await using (var first = LauncherProcess.Start(
            "run", "--phase", "2", "--users", "0", "--max-instances", "0", "--data", folder.Path, "--gateway-url", firstGateway.ToString()))
        {
            await first.WaitUntilReadyAsync(firstGateway, StartTimeout);
            leftBehind = new Dictionary<int, string>(first.StartedProcesses(folder.Path));
            UnixProcess.Signal(first.ProcessId, UnixProcess.SigKill);
            await first.WaitForExitAsync(StopTimeout);
        }
        Assert.All(leftBehind.Keys, pid => Assert.True(UnixProcess.IsAlive(pid), $"{leftBehind[pid]} should outlive a killed launcher"));

        var secondGateway = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var second = LauncherProcess.Start(
            "run", "--phase", "2", "--users", "0", "--max-instances", "0", "--data", folder.Path, "--gateway-url", secondGateway.ToString());
        await second.WaitUntilReadyAsync(secondGateway, StartTimeout);

        await AssertAllGoneAsync(leftBehind);
        Assert.Contains("left running by an earlier launcher", second.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--phase", "9", "--phase must be a whole number from 1 to 7, got '9'")]
    [InlineData("--users", "many", "--users must be a whole number from 0 (no load) to 1000000, got 'many'")]
    [InlineData("--gateway-url", "ftp://x", "--gateway-url must be an http:// URL with no path, such as http://localhost:5080, got 'ftp://x'")]
    [InlineData("--colour", "red", "unknown option '--colour'")]
    public async Task A_bad_argument_is_named_on_one_line_and_exits_with_code_2(string option, string value, string expected)
    {
        await using var launcher = LauncherProcess.Start("run", option, value);

        var exitCode = await launcher.WaitForExitAsync(StopTimeout);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(launcher.Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
    }

    private static async Task AssertAllGoneAsync(IReadOnlyDictionary<int, string> processes)
    {
        var clock = Stopwatch.StartNew();
        while (processes.Keys.Any(UnixProcess.IsAlive) && clock.Elapsed < StopTimeout)
        {
            await Task.Delay(100);
        }
        var survivors = processes.Where(pair => UnixProcess.IsAlive(pair.Key)).Select(pair => $"{pair.Key} {pair.Value}").ToList();
        Assert.True(survivors.Count == 0, $"Still running: {string.Join("; ", survivors)}");
    }
}

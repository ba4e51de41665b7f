using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Observability.SampleWorkload.Infrastructure;

namespace Observability.SampleWorkload.Tests.Launcher;

/// <summary>The workload launcher run as users run it: "dotnet Observability.SampleWorkload.dll run ...", in its own process.</summary>
internal sealed class LauncherProcess : IAsyncDisposable
{
    public const string ReadyLine = "Ctrl+C stops everything.";
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private LauncherProcess(Process process) => _process = process;

    public int ProcessId => _process.Id;

    public string Output => string.Join(Environment.NewLine, _output);

    public static LauncherProcess Start(params string[] arguments) => Start(new Dictionary<string, string>(), arguments);

    /// <summary>Starts the launcher with extra environment variables, which every process it starts inherits.</summary>
    public static LauncherProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Observability.SampleWorkload.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // No collector listens in these tests; an unreachable endpoint only costs the exporter's retries.
        start.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var process = new Process { StartInfo = start };
        var launcher = new LauncherProcess(process);
        process.OutputDataReceived += (_, e) => launcher.Add(e.Data);
        process.ErrorDataReceived += (_, e) => launcher.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return launcher;
    }

    /// <summary>Waits until the launcher has printed that everything runs and its gateway answers /healthz.</summary>
    public async Task WaitUntilReadyAsync(Uri gateway, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The launcher exited with code {_process.ExitCode}:{Environment.NewLine}{Output}");
            }
            if (_output.Contains(ReadyLine))
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(gateway, "/healthz"));
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
            }
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"The launcher was not ready within {timeout.TotalSeconds:0} s:{Environment.NewLine}{Output}");
            }
            await Task.Delay(100);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The launcher did not exit within {timeout.TotalSeconds:0} s:{Environment.NewLine}{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>
    /// Every process this launcher started that is running now: its descendants, plus the PostgreSQL servers and
    /// redis-server of its data folder (pg_ctl daemonizes postgres, so it is no descendant).
    /// </summary>
    public IReadOnlyDictionary<int, string> StartedProcesses(string dataFolder)
    {
        var started = new Dictionary<int, string>();
        foreach (var pid in Descendants(_process.Id))
        {
            started[pid] = UnixProcess.CommandLine(pid);
        }
        foreach (var pidFile in new[] { "pg/primary/postmaster.pid", "pg/replica/postmaster.pid", "redis/redis.pid" })
        {
            var path = Path.Combine(dataFolder, pidFile);
            if (File.Exists(path) && int.TryParse(File.ReadLines(path).First(), CultureInfo.InvariantCulture, out var pid) && UnixProcess.IsAlive(pid))
            {
                started[pid] = UnixProcess.CommandLine(pid);
            }
        }
        return started;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // A failed test must not leave the launcher running; SIGTERM lets it stop what it started.
            UnixProcess.Signal(_process.Id, UnixProcess.SigTerm);
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private static IEnumerable<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                // "pid (comm) state ppid ...": the command may hold spaces, so read after its closing parenthesis.
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile.
            }
        }
        var found = new List<int>();
        var frontier = new Queue<int>([root]);
        while (frontier.TryDequeue(out var parent))
        {
            foreach (var child in parents.Where(pair => pair.Value == parent).Select(pair => pair.Key))
            {
                found.Add(child);
                frontier.Enqueue(child);
            }
        }
        return found;
    }
}

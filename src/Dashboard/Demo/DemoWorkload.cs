using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Observability.Dashboard.Demo;

/// <summary>
/// The sample workload as the demo: its launcher ("run", phase 2, 300 users) in a child process exporting to this
/// host's OTLP endpoint, and the Collector settings that watch it, read from the launcher's endpoints.json the way an
/// SRE would configure them. The launcher's own children stop when it dies; it is stopped with SIGTERM.
/// </summary>
public sealed class DemoWorkload : IAsyncDisposable
{
    public const int Phase = 2;
    public const int Users = 300;
    public const int PreferredGatewayPort = 5080;

    /// <summary>The launcher prints this once everything it started runs.</summary>
    private const string ReadyLine = "Ctrl+C stops everything.";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DemoWorkload(Process process, Uri gateway, string dataFolder)
    {
        _process = process;
        Gateway = gateway;
        DataFolder = dataFolder;
    }

    public Uri Gateway { get; }

    public string DataFolder { get; }

    /// <summary>The launcher's output so far (its summary, or why it failed).</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>The launcher's summary of what it started (where everything listens), without its own Ctrl+C line.</summary>
    public IEnumerable<string> Summary => _output
        .SkipWhile(line => !line.StartsWith("Sample workload, phase", StringComparison.Ordinal))
        .TakeWhile(line => !line.Contains(ReadyLine, StringComparison.Ordinal));

    /// <summary>Starts the launcher and waits until it reports everything running and its gateway answers /healthz.</summary>
    public static async Task<DemoWorkload> StartAsync(string otlpGrpcUrl, string dataFolder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataFolder);
        var gateway = new Uri($"http://127.0.0.1:{(IsFree(PreferredGatewayPort) ? PreferredGatewayPort : FreePort())}");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Observability.SampleWorkload.dll"));
        foreach (var argument in new[]
        {
            "run", "--phase", Phase.ToString(CultureInfo.InvariantCulture), "--users", Users.ToString(CultureInfo.InvariantCulture),
            "--gateway-url", gateway.ToString(), "--data", dataFolder, "--otlp-endpoint", otlpGrpcUrl,
        })
        {
            start.ArgumentList.Add(argument);
        }
        // Metrics every few seconds rather than the SDK's minute, so the Overview is live within a minute of start.
        start.Environment["OTEL_METRIC_EXPORT_INTERVAL"] = "5000";
        start.Environment["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
        start.Environment["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
        var process = new Process { StartInfo = start };
        var demo = new DemoWorkload(process, gateway, dataFolder);
        process.OutputDataReceived += (_, e) => demo.Add(e.Data);
        process.ErrorDataReceived += (_, e) => demo.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await demo.WaitUntilReadyAsync(cancellationToken);
        }
        catch
        {
            await demo.DisposeAsync();
            throw;
        }
        return demo;
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        if (line.Contains(ReadyLine, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartTimeout);
        var exited = _process.WaitForExitAsync(deadline.Token);
        try
        {
            if (await Task.WhenAny(_ready.Task, exited) == exited && !_ready.Task.IsCompleted)
            {
                await exited;
                throw new DemoStartException($"The sample workload (the demo) exited with code {_process.ExitCode} before it was ready. Its output:{Environment.NewLine}{Output}");
            }
            await WaitForGatewayAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DemoStartException($"The sample workload (the demo) was not ready within {StartTimeout.TotalMinutes:0} minutes. Its output:{Environment.NewLine}{Output}");
        }
    }

    private async Task WaitForGatewayAsync(CancellationToken deadline)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(Gateway, "/healthz"), deadline);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
                // One slow answer; ask again.
            }
            await Task.Delay(200, deadline);
        }
    }

    /// <summary>The Collector settings that watch the workload (its gateway's health, PostgreSQL primary and replica, Redis), and the Load test page's target.</summary>
    public async Task<IReadOnlyDictionary<string, string?>> CollectorSettingsAsync(CancellationToken cancellationToken)
    {
        var endpoints = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(DataFolder, "endpoints.json"), cancellationToken)).RootElement;
        var settings = new Dictionary<string, string?>
        {
            // What the Load test page starts more load against, and the seeded users' password it signs them in with.
            [Administration.LoadTests.LoadTestOptions.GatewayUrlKey] = Gateway.ToString(),
            [Administration.LoadTests.LoadTestOptions.UserPasswordKey] = endpoints.GetProperty("userPassword").GetString(),
            ["Kpis:EdgeService"] = "gateway",
            ["Alerting:Phase"] = Phase.ToString(CultureInfo.InvariantCulture),
            ["Monitoring:Probes:storefront:Url"] = new Uri(Gateway, "/healthz").ToString(),
            ["Monitoring:Postgres:primary:ConnectionString"] = endpoints.GetProperty("postgres").GetProperty("primary").GetString(),
        };
        if (endpoints.GetProperty("postgres").GetProperty("replica").GetString() is { } replica)
        {
            settings["Monitoring:Postgres:replica:ConnectionString"] = replica;
        }
        if (endpoints.GetProperty("redis").GetString() is { } redis)
        {
            settings["Monitoring:Redis:cache:ConnectionString"] = redis;
        }
        return settings;
    }

    /// <summary>SIGTERM, so the launcher stops its services and servers in order; killed (whole tree) if it has not exited in time.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            UnixSignal.Terminate(_process.Id);
            using var grace = new CancellationTokenSource(StopGracePeriod);
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The demo workload did not start: the message says how it ended and carries its output.</summary>
public sealed class DemoStartException(string message) : Exception(message);

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Observability.Collector.Tests.Infrastructure;
using Observability.SampleWorkload.Tests.Infrastructure;
using Observability.SampleWorkload.Tests.Launcher;
using Observability.Tests.Shared;

namespace Observability.SampleWorkload.Tests.Integration;

/// <summary>
/// The sample workload of one phase, started by its launcher as a user starts it, exporting to a real Collector in
/// this process, which also watches the workload's PostgreSQL, Redis and gateway as an SRE would configure it.
/// </summary>
public abstract class WorkloadUnderCollector : IAsyncLifetime
{
    private readonly TempDataFolder _folder = new();
    private TestStorage? _storage;
    private LauncherProcess? _launcher;

    protected abstract int Phase { get; }

    /// <summary>Virtual users the load generator runs, so there is steady telemetry.</summary>
    protected virtual int Users => 20;

    public CollectorHost Collector { get; private set; } = null!;

    public Uri Gateway { get; private set; } = null!;

    public JsonElement Endpoints { get; private set; }

    public string DataFolder => _folder.Path;

    public HttpClient Api { get; private set; } = null!;

    /// <summary>When the workload and the Collector were both running: telemetry exists from a few seconds later.</summary>
    public DateTimeOffset ReadyAt { get; private set; }

    public string LauncherOutput => _launcher?.Output ?? "";

    public async Task InitializeAsync()
    {
        // The Collector's OTLP port is chosen first, so the workload can start exporting to it while the Collector starts.
        var otlp = $"http://127.0.0.1:{FreePort.Next()}";
        Gateway = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        _launcher = LauncherProcess.Start(
            new Dictionary<string, string>
            {
                // Telemetry within a couple of seconds rather than the SDK's minute.
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "2000",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
                ["OTEL_BLRP_SCHEDULE_DELAY"] = "500",
            },
            "run", "--phase", Phase.ToString(System.Globalization.CultureInfo.InvariantCulture), "--users", Users.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--gateway-url", Gateway.ToString(), "--data", DataFolder, "--otlp-endpoint", otlp, "--max-instances", "3");
        await _launcher.WaitUntilReadyAsync(Gateway, TimeSpan.FromSeconds(180));
        Endpoints = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(DataFolder, "endpoints.json"))).RootElement.Clone();

        var settings = new Dictionary<string, string?>
        {
            ["Collector:OtlpGrpcUrl"] = otlp,
            ["Kpis:EdgeService"] = "gateway",
            ["Monitoring:Probes:storefront:Url"] = new Uri(Gateway, "/healthz").ToString(),
            ["Monitoring:Postgres:primary:ConnectionString"] = Endpoints.GetProperty("postgres").GetProperty("primary").GetString(),
        };
        if (Endpoints.GetProperty("postgres").GetProperty("replica").GetString() is { } replica)
        {
            settings["Monitoring:Postgres:replica:ConnectionString"] = replica;
        }
        if (Endpoints.GetProperty("redis").GetString() is { } redis)
        {
            settings["Monitoring:Redis:cache:ConnectionString"] = redis;
        }
        foreach (var (key, value) in await CollectorSettingsAsync())
        {
            settings[key] = value;
        }
        _storage = TestStorage.Sqlite();
        Collector = await CollectorHost.StartAsync(_storage, settings);
        Api = new HttpClient { BaseAddress = new Uri(Collector.ApiUrl), Timeout = TimeSpan.FromSeconds(30) };
        ReadyAt = DateTimeOffset.UtcNow;
    }

    /// <summary>More Collector settings (alerting, receivers), added to those that watch the workload.</summary>
    protected virtual Task<IReadOnlyDictionary<string, string?>> CollectorSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>());

    /// <summary>Stops what a subclass started for its Collector settings, after the workload and the Collector are gone.</summary>
    protected virtual ValueTask DisposeMoreAsync() => ValueTask.CompletedTask;

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        if (_launcher is not null)
        {
            await _launcher.DisposeAsync();
        }
        if (Collector is not null)
        {
            await Collector.DisposeAsync();
        }
        await DisposeMoreAsync();
        _storage?.Dispose();
        _folder.Dispose();
    }

    public async Task<JsonElement> GetAsync(string pathAndQuery)
    {
        using var response = await Api.GetAsync(pathAndQuery);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {pathAndQuery}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Polls until <paramref name="check"/> returns a value, or fails with what it last saw.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<(T? Value, string Seen)>> check, TimeSpan timeout) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        var seen = "";
        while (DateTime.UtcNow < deadline)
        {
            (var value, seen) = await check();
            if (value is not null)
            {
                return value;
            }
            await Task.Delay(1000);
        }
        throw new TimeoutException($"Not within {timeout.TotalSeconds:0} s; last seen: {seen}");
    }

    /// <summary>The label sets of a metric over the last ten minutes.</summary>
    public async Task<List<Dictionary<string, string>>> SeriesAsync(string metric)
    {
        var to = DateTimeOffset.UtcNow.AddSeconds(5).ToUnixTimeMilliseconds();
        var body = await GetAsync($"/api/metrics/{metric}/series?from={to - 600_000}&to={to}");
        return [.. body.GetProperty("series").EnumerateArray().Select(s =>
            s.GetProperty("labels").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString()!))];
    }

    /// <summary>Starts a fault through the gateway's API, as an SRE would.</summary>
    public async Task<JsonElement> StartFaultAsync(string kind, int durationSeconds, string? target = null)
    {
        using var http = new HttpClient { BaseAddress = Gateway };
        using var response = await http.PostAsJsonAsync("/faults", new { kind, durationSeconds, target });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /faults {kind}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static string ServiceOf(JsonElement trace, JsonElement span) =>
        trace.GetProperty("processes").GetProperty(span.GetProperty("processID").GetString()!).GetProperty("serviceName").GetString()!;

    public static string? Tag(JsonElement span, params string[] keys) =>
        span.GetProperty("tags").EnumerateArray().FirstOrDefault(t => keys.Contains(t.GetProperty("key").GetString())) is { ValueKind: JsonValueKind.Object } tag
            ? tag.GetProperty("value").ToString()
            : null;

    /// <summary>A trace of the service that also holds every one of <paramref name="services"/>.</summary>
    public async Task<JsonElement> TraceCrossingAsync(string service, params string[] services) => (await EventuallyAsync<JsonElement[]>(async () =>
        {
            var traces = await GetAsync($"/api/traces?service={service}&limit=50&lookback=10m");
            foreach (var trace in traces.GetProperty("data").EnumerateArray())
            {
                var present = trace.GetProperty("spans").EnumerateArray().Select(s => ServiceOf(trace, s)).ToHashSet();
                if (services.All(present.Contains))
                {
                    return ([trace], "");
                }
            }
            return (null, $"{traces.GetProperty("data").GetArrayLength()} traces of {service}, none crossing {string.Join(", ", services)}");
        }, TimeSpan.FromSeconds(60)))[0];
}

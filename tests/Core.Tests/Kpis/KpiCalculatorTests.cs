using Microsoft.Extensions.Logging.Abstractions;
using Observability.Core.Kpis;
using Observability.Core.Roadmap;
using Observability.Core.Storage;
using Observability.Core.Storage.Sqlite;
using Observability.Core.Telemetry;
using static Observability.Core.Tests.Kpis.KpiTelemetry;

namespace Observability.Core.Tests.Kpis;

/// <summary>
/// Every target of the shipped roadmap, measured from synthetic telemetry written through a real store, against values
/// worked out by hand (in the comments), and without its telemetry: "no data" and why.
/// </summary>
public sealed class KpiCalculatorTests : IDisposable
{
    private static readonly RoadmapDefinition Roadmap = RoadmapLoader.Load(Path.Combine(AppContext.BaseDirectory, "roadmap.yaml"));
    private static readonly KpiWindow Window = new(Start, Start.AddMinutes(10));
    private static readonly double[] Seconds = [0.01, 0.02, 0.05, 0.1];

    private readonly string _folder = Directory.CreateTempSubdirectory("obs-kpi-").FullName;
    private readonly FakeIncidents _incidents = new();
    private readonly FakeBaselines _baselines = new();

    /// <summary>What each KPI is fed, the value worked out by hand, and what its no-data reason names.</summary>
    private sealed record Scenario(Func<KpiCalculatorTests, ITelemetryStore, Task> Feed, double Expected, double Tolerance, string NoDataNames);

    private static readonly Dictionary<string, Scenario> Scenarios = new()
    {
        // Two instances report the shared session count; per 15 s step the highest: 200 at 12:00:10, 300 at 12:01:10. Peak 300.
        [KnownKpis.ConcurrentUsers] = new((_, store) => WriteSessions(store), 300, 0, "app.sessions.active"),

        // Server spans of 1..100 ms: p99 is 99 ms (the sketch is within 0.3%); a 5 s client span does not count.
        [KnownKpis.ResponseTimeP99] = new((_, store) => Write(store, [.. ServerSpans("api", 100), Span("api", SpanKind.Client, 5, 5000)]), 99, 1, "no server spans"),

        // Primary averages (0.3 + 0.5) / 2 = 0.4 of the cores, the replica 0.1: the busiest is 40%.
        [KnownKpis.DatabaseCpu] = new((_, store) => Write(store,
            Gauge(Resource("postgresql", "primary"), "postgresql.cpu.utilization", 10, 0.3),
            Gauge(Resource("postgresql", "primary"), "postgresql.cpu.utilization", 300, 0.5),
            Gauge(Resource("postgresql", "replica"), "postgresql.cpu.utilization", 10, 0.1)), 40, 1e-9, "postgresql.cpu.utilization"),

        // i-1 uses (400 + 600) / 2 = 500 MB of 1000 MB, i-2 100 of 1000: the highest is 50%.
        [KnownKpis.MemoryUsage] = new((_, store) => Write(store,
            Cumulative(Resource("shop", "i-1"), "process.memory.usage", 10, 400e6, monotonic: false),
            Cumulative(Resource("shop", "i-1"), "process.memory.usage", 300, 600e6, monotonic: false),
            Cumulative(Resource("shop", "i-1"), "system.memory.limit", 10, 1000e6, monotonic: false),
            Cumulative(Resource("shop", "i-2"), "process.memory.usage", 10, 100e6, monotonic: false),
            Cumulative(Resource("shop", "i-2"), "system.memory.limit", 10, 1000e6, monotonic: false)), 50, 1e-9, "process.memory.usage"),

        // i-1 spends 300 s user + 60 s system in the 600 s window: 0.6 cores of its 2, 30%; i-2 0.2 cores, 10%.
        [KnownKpis.InstanceCpu] = new((_, store) => Write(store,
            Cumulative(Resource("shop", "i-1"), "process.cpu.time", -30, 10, unit: "s", attributes: ("cpu.mode", "user")),
            Cumulative(Resource("shop", "i-1"), "process.cpu.time", 570, 310, unit: "s", attributes: ("cpu.mode", "user")),
            Cumulative(Resource("shop", "i-1"), "process.cpu.time", -30, 5, unit: "s", attributes: ("cpu.mode", "system")),
            Cumulative(Resource("shop", "i-1"), "process.cpu.time", 570, 65, unit: "s", attributes: ("cpu.mode", "system")),
            Cumulative(Resource("shop", "i-2"), "process.cpu.time", -30, 0, unit: "s", attributes: ("cpu.mode", "user")),
            Cumulative(Resource("shop", "i-2"), "process.cpu.time", 570, 120, unit: "s", attributes: ("cpu.mode", "user")),
            Gauge(Resource("shop", "i-1"), "dotnet.process.cpu.count", 10, 2),
            Gauge(Resource("shop", "i-2"), "dotnet.process.cpu.count", 10, 2)), 30, 1e-9, "process.cpu.time"),

        // SELECTs: 50 ≤ 10 ms, 40 ≤ 20 ms, 10 ≤ 50 ms. p95 = rank 95 in (20, 50] ms: 20 + 30 × 5/10 = 35 ms. INSERTs don't count.
        [KnownKpis.DatabaseReadLatency] = new((_, store) => WriteDatabaseOperations(store), 35, 1e-6, "db.client.operation.duration"),

        // Latest lag 0.1 s (it was 3 s at 12:05): 100 ms.
        [KnownKpis.ReplicationLag] = new((_, store) => Write(store,
            Gauge(Resource("postgresql", "replica-1"), "postgresql.replication.lag", 10, 0.2, "s"),
            Gauge(Resource("postgresql", "replica-1"), "postgresql.replication.lag", 300, 3.0, "s"),
            Gauge(Resource("postgresql", "replica-1"), "postgresql.replication.lag", 590, 0.1, "s")), 100, 1e-6, "postgresql.replication.lag"),

        // All 200 statements: 50, 40, 10, then 100 in (50, 100] ms. p99 = rank 198: 50 + 50 × 98/100 = 99 ms.
        [KnownKpis.QueryP99] = new((_, store) => WriteDatabaseOperations(store), 99, 1e-6, "db.client.operation.duration"),

        // Deployments of 240 s and 90 s: the longest is 4 minutes.
        [KnownKpis.DeploymentDuration] = new((_, store) => WriteDeployments(store), 4, 1e-9, "deployment.duration"),

        // api's spans of 1..100 ms have p95 95 ms; web's 10 ms spans are faster.
        [KnownKpis.ServiceLatencyP95] = new((_, store) => Write(store, [.. ServerSpans("api", 100), .. ServerSpans("web", 50, 10)]), 95, 1, "no server spans"),

        // 660,000 messages published in the 600 s window: 1,100 per second.
        [KnownKpis.MessageThroughput] = new((_, store) => Write(store,
            Cumulative(Resource("shop", "i-1"), "messaging.client.sent.messages", -30, 1000),
            Cumulative(Resource("shop", "i-1"), "messaging.client.sent.messages", 570, 661_000)), 1100, 1e-9, "no producer spans"),

        // 955 hits and 45 misses: 95.5%.
        [KnownKpis.CacheHitRatio] = new((_, store) => Write(store,
            Cumulative(Resource("shop", "i-1"), "cache.hits", -30, 0, attributes: ("cache.layer", "memory")),
            Cumulative(Resource("shop", "i-1"), "cache.hits", 570, 955, attributes: ("cache.layer", "memory")),
            Cumulative(Resource("shop", "i-1"), "cache.misses", -30, 0, attributes: ("cache.layer", "memory")),
            Cumulative(Resource("shop", "i-1"), "cache.misses", 570, 45, attributes: ("cache.layer", "memory"))), 95.5, 1e-9, "cache.hits"),

        // 200 statements over 100 gateway requests = 2 per request, against a baseline of 5: -60%.
        [KnownKpis.DatabaseQueriesChange] = new(async (test, store) =>
        {
            test._baselines.Record(KnownKpis.DatabaseQueriesPerRequest, 5);
            await WriteDatabaseOperations(store);
            await Write(store, ServerSpans("gateway", 100, 10));
        }, -60, 1e-9, "no baseline of database_queries_per_request"),

        // us-east [50, 40, 10, 0] and eu-west [0, 0, 0, 100] merged: p95 = rank 190 in (50, 100] ms: 50 + 50 × 90/100 = 95 ms.
        [KnownKpis.GlobalLatencyP95] = new((_, store) => WriteRegions(store), 95, 1e-6, "http.server.request.duration"),

        // us-east p95 35 ms; eu-west p95 = rank 95 in (50, 100] ms: 50 + 50 × 95/100 = 97.5 ms, the slowest region.
        [KnownKpis.RegionalLatencyP95] = new((_, store) => WriteRegions(store), 97.5, 1e-6, "http.server.request.duration"),

        // "home" passed 9 of 10 checks, "api" 10 of 10: (90% + 100%) / 2 = 95%.
        [KnownKpis.Uptime] = new((_, store) => Write(store,
            [.. Enumerable.Range(0, 10).Select(i => Gauge(Resource("collector"), "probe.success", 10 + i * 10, i == 3 ? 0 : 1, "", ("probe.name", "home"))),
             .. Enumerable.Range(0, 10).Select(i => Gauge(Resource("collector"), "probe.success", 10 + i * 10, 1, "", ("probe.name", "api")))]), 95, 1e-9, "probe.success"),

        // Detected 1, 2 and 1.5 minutes after impact: mean 1.5 minutes.
        [KnownKpis.Mttd] = new((test, _) => test.RecordIncidents(), 1.5, 1e-9, "no incidents detected"),

        // Resolved 4, 8 and 12 minutes after detection: mean 8 minutes.
        [KnownKpis.Mttr] = new((test, _) => test.RecordIncidents(), 8, 1e-9, "no incidents detected and resolved"),

        // 3,000 USD a month over 600 s = 0.69444 USD, over 100 requests = 0.0069444 USD each, against 0.01: -30.556%.
        [KnownKpis.CostPerRequestChange] = new(async (test, store) =>
        {
            test._baselines.Record(KnownKpis.CostPerRequest, 0.01);
            await Write(store, ServerSpans("gateway", 100, 10));
        }, (3000.0 * 600 / 2_592_000 / 100 - 0.01) / 0.01 * 100, 1e-9, "no baseline of cost_per_request"),

        // 3,000 USD a month over 1,000 monthly active users: 3 USD.
        [KnownKpis.CostPerUser] = new((_, store) => Write(store,
            Gauge(Resource("shop", "i-1"), "app.users.monthly_active", 10, 800),
            Gauge(Resource("shop", "i-1"), "app.users.monthly_active", 500, 1000)), 3, 1e-9, "app.users.monthly_active"),

        // Two deployments in 600 s: 2 / (600 / 86,400) = 288 a day.
        [KnownKpis.DeploymentFrequency] = new((_, store) => WriteDeployments(store), 288, 1e-9, "deployment.duration"),

        // Lead times: 2 within 1 h, 2 within 2 h. p50 = rank 2, at the top of the first bucket: 1 hour.
        [KnownKpis.LeadTime] = new((_, store) => Write(store,
            Histogram(Resource("deployer"), "deployment.lead_time", "s", 100, [3600, 7200, 14400, 28800], [2, 2, 0, 0, 0])), 1, 1e-9, "deployment.lead_time"),
    };

    /// <summary>Hand-worked verdicts of the 36 targets against the values above.</summary>
    private static readonly Dictionary<string, bool> ExpectedMet = new()
    {
        ["p1.concurrent_users"] = false, ["p1.response_time_p99"] = true, ["p1.database_cpu"] = true, ["p1.memory_usage"] = true,
        ["p2.concurrent_users"] = false, ["p2.response_time_p99"] = true, ["p2.instance_cpu"] = true, ["p2.database_cpu"] = true,
        ["p3.concurrent_users"] = false, ["p3.database_read_latency"] = true, ["p3.replication_lag"] = true, ["p3.query_p99"] = true,
        ["p4.concurrent_users"] = false, ["p4.deployment_duration"] = true, ["p4.service_latency_p95"] = true, ["p4.message_throughput"] = true,
        ["p5.concurrent_users"] = false, ["p5.cache_hit_ratio"] = true, ["p5.response_time_p99"] = true, ["p5.database_queries_change"] = true,
        ["p6.concurrent_users"] = false, ["p6.global_latency_p95"] = true, ["p6.regional_latency_p95"] = true, ["p6.uptime"] = false,
        ["p7.concurrent_users"] = false, ["p7.mttd"] = true, ["p7.mttr"] = true, ["p7.cost_per_request_change"] = true,
        ["end.concurrent_users"] = false, ["end.response_time_p99"] = true, ["end.query_p99"] = true, ["end.cache_hit_ratio"] = true,
        ["end.uptime"] = false, ["end.cost_per_user"] = true, ["end.deployment_frequency"] = true, ["end.lead_time"] = true,
    };

    public static TheoryData<string> Targets() => [.. Roadmap.AllTargets.Select(target => target.Id)];

    [Fact]
    public void Every_target_of_the_roadmap_has_a_scenario_and_a_verdict()
    {
        Assert.Equal(36, Targets().Count);
        Assert.All(Roadmap.AllTargets, target => Assert.True(Scenarios.ContainsKey(target.Metric), target.Metric));
        Assert.Equal(Roadmap.AllTargets.Select(t => t.Id).Order(), ExpectedMet.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Each_target_is_measured_from_its_telemetry(string targetId)
    {
        var target = Roadmap.AllTargets.Single(t => t.Id == targetId);
        var scenario = Scenarios[target.Metric];
        await using var store = await OpenStoreAsync();
        await scenario.Feed(this, store);

        var measurement = await Calculator(store).MeasureAsync(target.Metric, Window, CancellationToken.None);

        Assert.Null(measurement.NoDataReason);
        Assert.Equal(KnownKpis.All[target.Metric].Unit, measurement.Unit);
        Assert.InRange(measurement.Value!.Value, scenario.Expected - scenario.Tolerance, scenario.Expected + scenario.Tolerance);
        Assert.Equal(ExpectedMet[targetId], target.IsMetBy(measurement.Value.Value));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Without_its_telemetry_a_target_has_no_data_and_says_why(string targetId)
    {
        var target = Roadmap.AllTargets.Single(t => t.Id == targetId);
        await using var store = await OpenStoreAsync();
        // Telemetry of another kind is there; only this KPI's own is missing.
        await Write(store, Gauge(Resource("shop", "i-1"), "unrelated.metric", 10, 1));

        var measurement = await Calculator(store).MeasureAsync(target.Metric, Window, CancellationToken.None);

        Assert.Null(measurement.Value);
        Assert.Contains(Scenarios[target.Metric].NoDataNames, measurement.NoDataReason);
    }

    [Fact]
    public async Task A_change_needs_its_base_kpi_to_have_a_value_now()
    {
        await using var store = await OpenStoreAsync();
        _baselines.Record(KnownKpis.CostPerRequest, 0.01);

        var measurement = await Calculator(store).MeasureAsync(KnownKpis.CostPerRequestChange, Window, CancellationToken.None);

        Assert.Null(measurement.Value);
        Assert.Equal("cost_per_request has no value now: no requests served " + Window.Describe() + " (server spans of gateway)", measurement.NoDataReason);
    }

    [Fact]
    public async Task Instances_that_count_their_own_sessions_are_summed_when_configured()
    {
        await using var store = await OpenStoreAsync();
        await WriteSessions(store);
        var calculator = new KpiCalculator(store, store, _incidents, _baselines, new CostModel(new CostOptions(), Roadmap),
            new KpiOptions { ActiveSessionsAcrossInstances = "sum" });

        var measurement = await calculator.MeasureAsync(KnownKpis.ConcurrentUsers, Window, CancellationToken.None);

        // 100 + 200 = 300 at 12:00:10, 300 + 250 = 550 at 12:01:10.
        Assert.Equal(550, measurement.Value);
        Assert.StartsWith("peak of 'app.sessions.active' (summed over its instances per 15 s step); latest 550", measurement.Detail);
    }

    [Fact]
    public async Task Without_operation_names_read_latency_is_the_read_replica_pools()
    {
        await using var store = await OpenStoreAsync();
        // Npgsql names no operation; reads go to the pool named "replica", writes to "primary".
        await Write(store,
            Histogram(Resource("shop", "i-1"), "db.client.operation.duration", "s", 100, Seconds, [50, 40, 10, 0, 0], attributes: ("db.client.connection.pool.name", "replica")),
            Histogram(Resource("shop", "i-1"), "db.client.operation.duration", "s", 100, Seconds, [0, 0, 0, 100, 0], attributes: ("db.client.connection.pool.name", "primary")));

        var measurement = await Calculator(store).MeasureAsync(KnownKpis.DatabaseReadLatency, Window, CancellationToken.None);

        Assert.Equal(35, measurement.Value!.Value, 6);
        Assert.Equal("p95 of 'db.client.operation.duration' with db.client.connection.pool.name=replica", measurement.Detail);
    }

    [Fact]
    public async Task Memory_usage_without_the_memory_available_says_which_metric_is_missing()
    {
        await using var store = await OpenStoreAsync();
        await Write(store, Cumulative(Resource("shop", "i-1"), "process.memory.usage", 10, 400e6, monotonic: false));

        var measurement = await Calculator(store).MeasureAsync(KnownKpis.MemoryUsage, Window, CancellationToken.None);

        Assert.Null(measurement.Value);
        Assert.StartsWith("'process.memory.usage' is there but not the memory available to the instances: no points for metric 'system.memory.limit'", measurement.NoDataReason);
    }

    private KpiCalculator Calculator(ITelemetryStore store) => new(
        store, store, _incidents, _baselines,
        new CostModel(new CostOptions { MonthlyUsd = 3000 }, Roadmap),
        new KpiOptions { EdgeService = "gateway" });

    private async Task<SqliteTelemetryStore> OpenStoreAsync()
    {
        var store = new SqliteTelemetryStore(
            new SqliteStorageOptions { Path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".db") }, NullLogger<SqliteTelemetryStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    private static Task Write(ITelemetryStore store, params IEnumerable<object> items)
    {
        var batch = new TelemetryBatch();
        foreach (var item in items)
        {
            switch (item)
            {
                case SpanRecord span: batch.Spans.Add(span); break;
                case MetricPointRecord point: batch.MetricPoints.Add(point); break;
                default: throw new ArgumentException($"unexpected {item.GetType().Name}");
            }
        }
        return store.WriteAsync(batch, CancellationToken.None);
    }

    private static Task WriteSessions(ITelemetryStore store) => Write(store,
        Cumulative(Resource("shop", "i-1"), "app.sessions.active", 10, 100, monotonic: false),
        Cumulative(Resource("shop", "i-2"), "app.sessions.active", 10, 200, monotonic: false),
        Cumulative(Resource("shop", "i-1"), "app.sessions.active", 70, 300, monotonic: false),
        Cumulative(Resource("shop", "i-2"), "app.sessions.active", 70, 250, monotonic: false));

    private static Task WriteDatabaseOperations(ITelemetryStore store) => Write(store,
        Histogram(Resource("shop", "i-1"), "db.client.operation.duration", "s", 100, Seconds, [50, 40, 10, 0, 0], attributes: ("db.operation.name", "SELECT")),
        Histogram(Resource("shop", "i-1"), "db.client.operation.duration", "s", 100, Seconds, [0, 0, 0, 100, 0], attributes: ("db.operation.name", "INSERT")));

    private static Task WriteRegions(ITelemetryStore store) => Write(store,
        Histogram(Resource("shop", "i-1", "us-east"), "http.server.request.duration", "s", 100, Seconds, [50, 40, 10, 0, 0]),
        Histogram(Resource("shop", "i-2", "eu-west"), "http.server.request.duration", "s", 100, Seconds, [0, 0, 0, 100, 0]));

    private static Task WriteDeployments(ITelemetryStore store) => Write(store,
        Histogram(Resource("deployer"), "deployment.duration", "s", 100, [60, 300, 600], [0, 1, 0, 0], max: 240),
        Histogram(Resource("deployer"), "deployment.duration", "s", 400, [60, 300, 600], [0, 1, 0, 0], max: 90));

    private Task RecordIncidents()
    {
        var impact = Start.AddSeconds(10);
        _incidents.Add(new IncidentTimes("i-1", impact, impact.AddMinutes(1), impact.AddMinutes(1 + 4)));
        _incidents.Add(new IncidentTimes("i-2", impact.AddMinutes(2), impact.AddMinutes(2 + 2), impact.AddMinutes(4 + 8)));
        _incidents.Add(new IncidentTimes("i-3", impact.AddMinutes(3), impact.AddMinutes(3 + 1.5), impact.AddMinutes(4.5 + 12)));
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private sealed class FakeIncidents : IIncidentHistory
    {
        private readonly List<IncidentTimes> _incidents = [];

        public void Add(IncidentTimes incident) => _incidents.Add(incident);

        public Task<IReadOnlyList<IncidentTimes>> DetectedBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<IncidentTimes>>([.. _incidents.Where(i => i.DetectedAt >= from && i.DetectedAt < to)]);
    }

    private sealed class FakeBaselines : IKpiBaselines
    {
        private readonly Dictionary<string, KpiBaseline> _baselines = [];

        public void Record(string kpiId, double value) =>
            _baselines[kpiId] = new KpiBaseline(kpiId, value, Start.AddDays(-30), Start.AddDays(-31), Start.AddDays(-30), 1, "test");

        public Task<KpiBaseline?> GetAsync(string kpiId, CancellationToken cancellationToken) =>
            Task.FromResult(_baselines.GetValueOrDefault(kpiId));
    }
}

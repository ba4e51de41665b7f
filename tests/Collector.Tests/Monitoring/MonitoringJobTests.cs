using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Observability.Collector.Monitoring;
using Observability.Collector.Tests.Infrastructure;
using Observability.Collector.Tests.Query;
using Observability.Core.Kpis;
using Observability.Core.Roadmap;
using Observability.Tests.Shared;
using StackExchange.Redis;

namespace Observability.Collector.Tests.Monitoring;

/// <summary>The Collector's own probes and scrapers, against a real HTTP endpoint, PostgreSQL and Redis.</summary>
public sealed class MonitoringJobTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static T Job<T>(CollectorHost host) where T : class => ActivatorUtilities.CreateInstance<T>(host.Services);

    /// <summary>The value of each series of a gauge over the last ten minutes, by one label.</summary>
    private static async Task<Dictionary<string, double?>> GaugeAsync(CollectorHost host, string metric, string label, string agg = "avg")
    {
        var to = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeMilliseconds();
        var body = await QueryHttp.GetOkAsync(host, $"/api/metrics/{metric}/query?agg={agg}&from={to - 600_000}&to={to}&step=10m");
        return body.GetProperty("series").EnumerateArray().ToDictionary(
            s => s.GetProperty("labels").GetProperty(label).GetString()!,
            s => s.GetProperty("points").EnumerateArray().Select(p => p[1]).Where(v => v.ValueKind == JsonValueKind.Number).Select(v => (double?)v.GetDouble()).LastOrDefault());
    }

    [Fact]
    public async Task Probes_record_success_and_failure_and_uptime_is_their_share()
    {
        using var storage = TestStorage.Sqlite();
        var closedPort = FreePort.Next();
        await using var host = await CollectorHost.StartAsync(storage, new Dictionary<string, string?>
        {
            ["Monitoring:Probes:self:Url"] = "http://127.0.0.1:1/healthz",
            ["Monitoring:Probes:down:Url"] = $"http://127.0.0.1:{closedPort}/",
            ["Monitoring:Probes:down:TimeoutSeconds"] = "2",
        });
        // "self" is the Collector's own health endpoint, whose port is known only now; nothing listens on the closed port.
        host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MonitoringOptions>>().Value.Probes["self"].Url = host.ApiUrl + "/healthz";

        var probes = Job<ProbeJob>(host);
        await probes.RunAsync(CancellationToken.None);
        await probes.RunAsync(CancellationToken.None);

        var success = await GaugeAsync(host, "probe.success", "probe.name");
        Assert.Equal(1.0, success["self"]);
        Assert.Equal(0.0, success["down"]);
        var uptime = await host.Services.GetRequiredService<KpiCalculator>()
            .MeasureAsync(KnownKpis.Uptime, KpiWindow.Ending(DateTimeOffset.UtcNow.AddSeconds(1), TimeSpan.FromMinutes(5)), CancellationToken.None);
        Assert.Equal(50, uptime.Value);
        Assert.Equal("down 0%, self 100%", uptime.Detail);
    }

    [Fact]
    public async Task A_postgres_primary_gives_backends_and_its_cpu_from_proc()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage, new Dictionary<string, string?>
        {
            ["Monitoring:Postgres:primary:ConnectionString"] = postgres.ConnectionString,
        });
        var scraper = Job<PostgresMonitorJob>(host);

        await scraper.RunAsync(CancellationToken.None);
        await Task.Delay(200);
        await scraper.RunAsync(CancellationToken.None);

        Assert.InRange((await GaugeAsync(host, "postgresql.backends", "service.instance.id"))["primary"]!.Value, 1, 500);
        // The first scrape has no earlier CPU reading to compare with; the second gives a share of the machine's cores.
        Assert.InRange((await GaugeAsync(host, "postgresql.cpu.utilization", "service.instance.id"))["primary"]!.Value, 0, 1);
        var cpu = await host.Services.GetRequiredService<KpiCalculator>()
            .MeasureAsync(KnownKpis.DatabaseCpu, KpiWindow.Ending(DateTimeOffset.UtcNow.AddSeconds(1), TimeSpan.FromMinutes(5)), CancellationToken.None);
        Assert.NotNull(cpu.Value);
        // A primary without standbys reports no replication lag: the KPI says so instead of showing 0.
        Assert.Empty(await GaugeAsync(host, "postgresql.replication.lag", "service.instance.id"));
    }

    [Fact]
    public async Task Redis_info_gives_keyspace_hits_and_misses_and_the_cache_hit_ratio()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage, new Dictionary<string, string?>
        {
            ["Monitoring:Redis:cache:ConnectionString"] = redis.ConnectionString,
        });
        var scraper = Job<RedisMonitorJob>(host);
        await scraper.RunAsync(CancellationToken.None);

        // 3 hits and 1 miss between two scrapes.
        double hits, misses;
        await using (var client = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",tiebreaker=,allowAdmin=true"))
        {
            var database = client.GetDatabase();
            await database.StringSetAsync("k", "v");
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal("v", (string?)await database.StringGetAsync("k"));
            }
            Assert.True((await database.StringGetAsync("absent")).IsNull);
            await scraper.RunAsync(CancellationToken.None);
            var stats = (await client.GetServers()[0].InfoAsync("stats")).Single().ToDictionary(p => p.Key, p => double.Parse(p.Value));
            (hits, misses) = (stats["keyspace_hits"], stats["keyspace_misses"]);
        }
        // This server started inside the window, so everything it counted since it started is in the ratio.
        Assert.Equal(3, hits);

        var ratio = await host.Services.GetRequiredService<KpiCalculator>()
            .MeasureAsync(KnownKpis.CacheHitRatio, KpiWindow.Ending(DateTimeOffset.UtcNow.AddSeconds(1), TimeSpan.FromMinutes(5)), CancellationToken.None);
        Assert.Equal(hits / (hits + misses) * 100, ratio.Value!.Value, 9);
        Assert.Equal("Redis keyspace hits over hits and misses (INFO stats)", ratio.Detail);
    }
}

using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Observability.SampleWorkload.Tests.Integration;

/// <summary>Phase 3: the read replica. The roadmap engine measures the phase targets from the live workload.</summary>
public sealed class Phase3Workload : WorkloadUnderCollector
{
    protected override int Phase => 3;
}

[Collection(WorkloadCollection.Name)]
public sealed class Phase3RoadmapTests(Phase3Workload workload, ITestOutputHelper output) : IClassFixture<Phase3Workload>
{
    private async Task<Dictionary<string, JsonElement>> TargetsNowAsync()
    {
        var roadmap = await workload.GetAsync("/api/roadmap?window=now");
        return roadmap.GetProperty("phases").EnumerateArray().SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Concat(roadmap.GetProperty("endState").GetProperty("targets").EnumerateArray())
            .ToDictionary(t => t.GetProperty("id").GetString()!, t => t);
    }

    private static string Describe(JsonElement target) =>
        $"{target.GetProperty("id").GetString()}: {target.GetProperty("status").GetString()} {target.GetProperty("actual")} {target.GetProperty("reason")}";

    [Fact]
    public async Task Every_phase_1_to_3_target_and_uptime_replication_lag_and_cache_hit_ratio_have_measured_values()
    {
        string[] wanted =
        [
            "p1.concurrent_users", "p1.response_time_p99", "p1.database_cpu", "p1.memory_usage",
            "p2.concurrent_users", "p2.response_time_p99", "p2.instance_cpu", "p2.database_cpu",
            "p3.concurrent_users", "p3.database_read_latency", "p3.replication_lag", "p3.query_p99",
            "end.uptime", "end.cache_hit_ratio",
        ];
        var targets = await WorkloadUnderCollector.EventuallyAsync(async () =>
        {
            var now = await TargetsNowAsync();
            var missing = wanted.Where(id => now[id].GetProperty("actual").ValueKind != JsonValueKind.Number).ToList();
            return (missing.Count == 0 ? now : null, string.Join("; ", missing.Select(id => Describe(now[id]))));
        }, TimeSpan.FromSeconds(150));

        foreach (var id in wanted)
        {
            output.WriteLine(Describe(targets[id]) + " " + targets[id].GetProperty("detail"));
        }
        Assert.All(wanted, id => Assert.NotEqual("no-data", targets[id].GetProperty("status").GetString()));
        // 20 virtual users are signed in; the probe of the gateway passes; the replica keeps up.
        Assert.InRange(targets["p1.concurrent_users"].GetProperty("actual").GetDouble(), 1, 20);
        Assert.Equal("met", targets["p3.replication_lag"].GetProperty("status").GetString());
        Assert.InRange(targets["end.uptime"].GetProperty("actual").GetDouble(), 50, 100);
        Assert.Contains("db.client.connection.pool.name=replica", targets["p3.database_read_latency"].GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_replica_lag_fault_misses_the_replication_lag_target_within_30_seconds_and_it_is_met_again_after()
    {
        await WorkloadUnderCollector.EventuallyAsync(async () =>
        {
            var lag = (await TargetsNowAsync())["p3.replication_lag"];
            return (lag.GetProperty("status").GetString() == "met" ? "met" : null, Describe(lag));
        }, TimeSpan.FromSeconds(150));

        var fault = await workload.StartFaultAsync("replica-lag", durationSeconds: 45);
        var clock = Stopwatch.StartNew();
        var missed = await WorkloadUnderCollector.EventuallyAsync(async () =>
        {
            var lag = (await TargetsNowAsync())["p3.replication_lag"];
            return (lag.GetProperty("status").GetString() == "missed" ? Describe(lag) : null, Describe(lag));
        }, TimeSpan.FromSeconds(45));
        var detected = clock.Elapsed;
        output.WriteLine($"replication_lag missed {detected.TotalSeconds:0.0} s after the fault started: {missed}");
        Assert.True(detected <= TimeSpan.FromSeconds(30), $"missed only after {detected.TotalSeconds:0.0} s: {missed}");

        // Replay resumes when the fault ends; the target is met again at the next scrape and tick.
        await WorkloadUnderCollector.EventuallyAsync(async () =>
        {
            var lag = (await TargetsNowAsync())["p3.replication_lag"];
            return (lag.GetProperty("status").GetString() == "met" ? "met" : null, Describe(lag));
        }, TimeSpan.FromSeconds(45 + 60));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(40), "met again before the fault ended");
        output.WriteLine($"met again {clock.Elapsed.TotalSeconds:0.0} s after the 45 s fault started");

        // The fault's ground truth is in the telemetry: the gateway's log record names it.
        var id = fault.GetProperty("id").GetString()!;
        var logs = await WorkloadUnderCollector.EventuallyAsync(async () =>
        {
            var found = await workload.GetAsync($"/api/logs?service=gateway&text={id}&limit=10");
            var records = found.GetProperty("logs").EnumerateArray().ToList();
            return (records.Count >= 2 ? records : null, $"{records.Count} log records naming {id}");
        }, TimeSpan.FromSeconds(30));
        Assert.Contains(logs, r => r.GetProperty("attributes").GetProperty("fault.kind").GetString() == "replica-lag");
    }
}

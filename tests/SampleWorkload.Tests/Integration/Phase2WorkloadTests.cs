using System.Text.Json;

namespace Observability.SampleWorkload.Tests.Integration;

/// <summary>Phase 2: three storefront instances behind the gateway, sessions and cache in Redis.</summary>
public sealed class Phase2Workload : WorkloadUnderCollector
{
    protected override int Phase => 2;
}

[Collection(WorkloadCollection.Name)]
public sealed class Phase2WorkloadTests(Phase2Workload workload) : IClassFixture<Phase2Workload>
{
    [Fact]
    public async Task Requests_cross_gateway_and_storefront_with_database_and_redis_spans_and_every_instance_sends_metrics()
    {
        // The load generator signs users in and shops; a checkout trace holds the gateway, the storefront, PostgreSQL and Redis.
        var trace = await workload.TraceCrossingAsync("storefront-api", "gateway", "storefront-api");
        var checkout = await WorkloadUnderCollector.EventuallyAsync(async () =>
        {
            var traces = await workload.GetAsync("/api/traces?service=storefront-api&operation=POST%20%2Fapi%2Fcheckout&limit=20&lookback=10m");
            var found = traces.GetProperty("data").EnumerateArray().FirstOrDefault(t =>
            {
                var spans = t.GetProperty("spans").EnumerateArray().ToList();
                return spans.Any(s => WorkloadUnderCollector.Tag(s, "db.system.name", "db.system") == "postgresql")
                    && spans.Any(s => WorkloadUnderCollector.Tag(s, "db.system.name", "db.system") == "redis")
                    && spans.Any(s => WorkloadUnderCollector.ServiceOf(t, s) == "gateway");
            });
            return (found.ValueKind == JsonValueKind.Object ? new[] { found } : null, $"{traces.GetProperty("data").GetArrayLength()} checkout traces");
        }, TimeSpan.FromSeconds(90));
        var spans = checkout[0].GetProperty("spans").EnumerateArray().ToList();
        var ids = spans.Select(s => s.GetProperty("spanID").GetString()).ToHashSet();
        Assert.Single(spans, s => s.GetProperty("references").GetArrayLength() == 0);
        Assert.All(spans.Where(s => s.GetProperty("references").GetArrayLength() > 0),
            span => Assert.Contains(span.GetProperty("references")[0].GetProperty("spanID").GetString(), ids));
        Assert.Equal("gateway", WorkloadUnderCollector.ServiceOf(trace, trace.GetProperty("spans").EnumerateArray().Single(s => s.GetProperty("references").GetArrayLength() == 0)));

        string[] instances = ["gateway-1", "storefront-api-1", "storefront-api-2", "storefront-api-3"];
        foreach (var metric in new[] { "http.server.request.duration", "process.cpu.time", "process.memory.usage" })
        {
            await WorkloadUnderCollector.EventuallyAsync(async () =>
            {
                var seen = (await workload.SeriesAsync(metric)).Select(s => s.GetValueOrDefault("service.instance.id")).OfType<string>().ToHashSet();
                return (instances.All(seen.Contains) ? seen : null, $"{metric} from {string.Join(", ", seen)}");
            }, TimeSpan.FromSeconds(60));
        }
        var caches = await workload.SeriesAsync("cache.hits");
        Assert.Contains(caches, s => s.GetValueOrDefault("cache.layer") == "redis");
    }
}

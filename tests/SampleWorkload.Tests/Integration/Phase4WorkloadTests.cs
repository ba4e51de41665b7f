using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Observability.SampleWorkload.Tests.Integration;

/// <summary>Phase 4: the extracted services, the replica and Redis Streams, under load, watched by a real Collector.</summary>
public sealed class Phase4Workload : WorkloadUnderCollector
{
    protected override int Phase => 4;

    /// <summary>When the last fault a test ran ended (or the workload became ready), so the next can measure a baseline free of it.</summary>
    public DateTimeOffset LastFaultEndedAt
    {
        get => field == default ? ReadyAt : field;
        set;
    }
}

[Collection(WorkloadCollection.Name)]
public sealed class Phase4WorkloadTests(Phase4Workload workload) : IClassFixture<Phase4Workload>
{
    private async Task<string> SignInAsync(HttpClient gateway, string user)
    {
        var login = await gateway.PostAsJsonAsync("/api/login", new { user, password = workload.Endpoints.GetProperty("userPassword").GetString() });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    [Fact]
    public async Task A_checkout_crosses_gateway_storefront_payment_and_reporting_with_parent_links_and_database_and_redis_spans()
    {
        using var gateway = new HttpClient { BaseAddress = workload.Gateway };
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await SignInAsync(gateway, "user-4242"));
        Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsJsonAsync("/api/cart/items", new { productId = 17, quantity = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await gateway.PostAsync("/api/checkout", null)).StatusCode);

        var trace = (await workload.TraceCrossingAsync("payment-service", "gateway", "storefront-api", "payment-service", "reporting-service"));
        var spans = trace.GetProperty("spans").EnumerateArray().ToList();
        var ids = spans.Select(s => s.GetProperty("spanID").GetString()).ToHashSet();
        // Every span but the root names a parent that is in the trace: propagation held across every process.
        var roots = spans.Where(s => s.GetProperty("references").GetArrayLength() == 0).ToList();
        Assert.Single(roots);
        Assert.Equal("gateway", WorkloadUnderCollector.ServiceOf(trace, roots[0]));
        Assert.All(spans.Where(s => s.GetProperty("references").GetArrayLength() > 0),
            span => Assert.Contains(span.GetProperty("references")[0].GetProperty("spanID").GetString(), ids));
        Assert.Contains(spans, s => WorkloadUnderCollector.Tag(s, "db.system.name", "db.system") == "postgresql" && WorkloadUnderCollector.ServiceOf(trace, s) == "payment-service");
        Assert.Contains(spans, s => WorkloadUnderCollector.Tag(s, "db.system.name", "db.system") == "redis" && WorkloadUnderCollector.ServiceOf(trace, s) == "storefront-api");
        Assert.Contains(spans, s => WorkloadUnderCollector.ServiceOf(trace, s) == "reporting-service" && WorkloadUnderCollector.Tag(s, "span.kind") == "consumer");

        // Signing in crosses the gateway, the storefront and the auth service.
        var login = (await workload.TraceCrossingAsync("auth-service", "gateway", "storefront-api", "auth-service"));
        Assert.Single(login.GetProperty("spans").EnumerateArray(), s => s.GetProperty("references").GetArrayLength() == 0);
    }

    [Fact]
    public async Task Every_instance_sends_its_metrics()
    {
        var instances = workload.Endpoints.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();
        Assert.Equal(6, instances.Count);

        foreach (var metric in new[] { "http.server.request.duration", "process.cpu.time", "process.memory.usage", "system.memory.limit" })
        {
            var reporting = await WorkloadUnderCollector.EventuallyAsync(async () =>
            {
                var seen = (await workload.SeriesAsync(metric)).Select(s => s.GetValueOrDefault("service.instance.id")).OfType<string>().ToHashSet();
                return (instances.All(seen.Contains) ? seen : null, $"{metric} from {string.Join(", ", seen)}");
            }, TimeSpan.FromSeconds(60));
            Assert.Contains("gateway-1", reporting);
        }
        foreach (var metric in new[] { "db.client.operation.duration", "cache.hits", "cache.misses", "messaging.client.sent.messages",
            "messaging.client.consumed.messages", "app.sessions.active", "app.users.monthly_active", "loadgen.virtual_users", "dotnet.process.cpu.count" })
        {
            await WorkloadUnderCollector.EventuallyAsync(async () =>
            {
                var series = await workload.SeriesAsync(metric);
                return (series.Count > 0 ? series : null, $"no series of {metric}");
            }, TimeSpan.FromSeconds(60));
        }
    }
}

/// <summary>The workload integration classes run one after another: each starts a whole system on the two cores.</summary>
[CollectionDefinition(Name)]
public sealed class WorkloadCollection
{
    public const string Name = "workload under a collector";
}

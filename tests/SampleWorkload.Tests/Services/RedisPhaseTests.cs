using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Observability.SampleWorkload.Shared;
using StackExchange.Redis;
using static Observability.SampleWorkload.Tests.Services.StorefrontCalls;

namespace Observability.SampleWorkload.Tests.Services;

/// <summary>Phases 2 and 5: several storefront instances sharing sessions and cache in Redis, and surviving its outage.</summary>
[Collection(ServicesCollection.Name)]
public sealed class RedisPhaseTests(ServicesFixture servers)
{
    [Fact]
    public async Task A_session_made_on_one_instance_is_honoured_by_another()
    {
        await using var first = await servers.StartAsync(KnownRoles.Storefront, servers.Settings(phase: 2, quickWins: true));
        await using var second = await servers.StartAsync(KnownRoles.Storefront, servers.Settings(phase: 2, quickWins: true));
        using var clientA = first.Client(DecompressionMethods.All);
        using var clientB = second.Client(DecompressionMethods.All);

        var token = await LoginAsync(clientA, "user-2001", servers.UserPassword);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(clientB, Signed(HttpMethod.Post, "/api/cart/items", token, new { productId = 77, quantity = 1 }))).Status);
        Assert.Equal(77, (await GetAsync(clientA, "/api/cart", token)).Body.GetProperty("items")[0].GetProperty("productId").GetInt32());

        await using var redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.ConnectionString);
        Assert.Equal("user-2001", (string?)await redis.GetDatabase().StringGetAsync("session:" + token));

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(clientB, Signed(HttpMethod.Post, "/api/logout", token))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(clientA, "/api/cart", token)).Status);
    }

    [Fact]
    public async Task Catalog_reads_are_cached_in_redis_and_in_memory_from_phase_5()
    {
        await using var storefront = await servers.StartAsync(KnownRoles.Storefront, servers.Settings(phase: 5, quickWins: true));
        using var client = storefront.Client(DecompressionMethods.All);
        using var counts = new CacheCounts();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.ConnectionString);
        await redis.GetDatabase().KeyDeleteAsync("catalog:product:4321");

        var product = await GetAsync(client, "/api/products/4321");
        Assert.Equal(HttpStatusCode.OK, product.Status);
        // The storefront writes the cache fire-and-forget: the key appears shortly after the answer.
        var stored = false;
        for (var deadline = DateTime.UtcNow.AddSeconds(5); !stored && DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            stored = await redis.GetDatabase().KeyExistsAsync("catalog:product:4321");
        }
        Assert.True(stored, "the product was stored in Redis");
        Assert.Equal(1, counts.Misses("memory"));
        Assert.Equal(1, counts.Misses("redis"));

        Assert.Equal(product.Body.GetRawText(), (await GetAsync(client, "/api/products/4321")).Body.GetRawText());
        Assert.Equal(1, counts.Hits("memory"));

        // A checkout elsewhere invalidates the product in every layer.
        var token = await LoginAsync(client, "user-2002", servers.UserPassword);
        await SendAsync(client, Signed(HttpMethod.Post, "/api/cart/items", token, new { productId = 4321, quantity = 2 }));
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(client, Signed(HttpMethod.Post, "/api/checkout", token))).Status);
        var after = await GetAsync(client, "/api/products/4321");
        Assert.Equal(product.Body.GetProperty("stock").GetInt32() - 2, after.Body.GetProperty("stock").GetInt32());
    }

    [Fact]
    public async Task When_redis_stops_catalog_reads_fall_back_to_the_database_and_health_says_degraded()
    {
        await using var storefront = await servers.StartAsync(KnownRoles.Storefront, servers.Settings(phase: 2, quickWins: true));
        using var client = storefront.Client(DecompressionMethods.All);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, KnownPaths.Health)).Status);

        servers.Redis.Pause();
        try
        {
            var stopwatch = Stopwatch.StartNew();
            var search = await GetAsync(client, "/api/search?q=kettle");
            Assert.Equal(HttpStatusCode.OK, search.Status);
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"the read took {stopwatch.ElapsedMilliseconds} ms with Redis stopped");
            Assert.Equal(20, search.Body.GetProperty("products").GetArrayLength());

            var health = await GetAsync(client, KnownPaths.Health);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.Status);
            Assert.Equal("degraded", health.Body.GetProperty("status").GetString());
        }
        finally
        {
            servers.Redis.Resume();
        }
        await EventuallyAsync(async () => (await GetAsync(client, KnownPaths.Health)).Status, status => status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(15), "health back to 200 after Redis resumed");
        await LoginAsync(client, "user-2003", servers.UserPassword);
    }

    /// <summary>Sums cache.hits and cache.misses per layer, as a metrics exporter would see them.</summary>
    private sealed class CacheCounts : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<(string Name, string Layer), long> _totals = [];

        public CacheCounts()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == WorkloadTelemetry.SourceName && instrument.Name is "cache.hits" or "cache.misses")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                var layer = "";
                foreach (var tag in tags)
                {
                    if (tag.Key == "cache.layer")
                    {
                        layer = (string)tag.Value!;
                    }
                }
                lock (_totals)
                {
                    _totals[(instrument.Name, layer)] = _totals.GetValueOrDefault((instrument.Name, layer)) + value;
                }
            });
            _listener.Start();
        }

        public long Hits(string layer) => Read("cache.hits", layer);

        public long Misses(string layer) => Read("cache.misses", layer);

        public void Dispose() => _listener.Dispose();

        private long Read(string name, string layer)
        {
            lock (_totals)
            {
                return _totals.GetValueOrDefault((name, layer));
            }
        }
    }
}

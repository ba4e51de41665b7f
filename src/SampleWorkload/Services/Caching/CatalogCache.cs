using Microsoft.Extensions.Caching.Memory;
using Observability.SampleWorkload.Services.Hosting;
using StackExchange.Redis;

namespace Observability.SampleWorkload.Services.Caching;

/// <summary>
/// Cache-aside for catalog reads, holding serialized JSON so a hit costs no serialization. Layers by phase: none in
/// phase 1, Redis from phase 2, an in-process memory layer in front of Redis from phase 5. When Redis is unreachable
/// (a read waits ~250 ms for it) reads fall through to the database instead of failing.
/// </summary>
internal sealed class CatalogCache : IDisposable
{
    private static readonly RedisChannel Invalidations = RedisChannel.Literal("catalog:invalidate");

    // The memory layer keeps entries briefly: other instances' writes reach it by pub/sub, and this bounds staleness
    // when a message is lost during a Redis outage.
    private static readonly TimeSpan MemoryDurationCap = TimeSpan.FromSeconds(10);

    private readonly IConnectionMultiplexer? _redis;
    private readonly IMemoryCache? _memory;
    private readonly ILogger<CatalogCache> _logger;
    private ISubscriber? _subscriber;

    public CatalogCache(ServiceSettings settings, IServiceProvider services, ILogger<CatalogCache> logger)
    {
        _logger = logger;
        _redis = settings.UsesRedis ? services.GetRequiredService<IConnectionMultiplexer>() : null;
        _memory = settings.UsesMemoryCache ? services.GetRequiredService<IMemoryCache>() : null;
        if (_redis is not null && _memory is not null)
        {
            _subscriber = _redis.GetSubscriber();
            // Subscribed in the background: with Redis down at start, the subscription is made when it reconnects.
            _ = _subscriber.SubscribeAsync(Invalidations, (_, key) => _memory.Remove(key.ToString()));
        }
    }

    /// <summary>The cached bytes for <paramref name="key"/>, or <paramref name="load"/>'s, stored on the way back.</summary>
    public async Task<byte[]> GetOrLoadAsync(string key, TimeSpan duration, Func<CancellationToken, Task<byte[]>> load, CancellationToken cancellationToken)
    {
        if (_memory is not null)
        {
            if (_memory.TryGetValue(key, out byte[]? remembered) && remembered is not null)
            {
                ServiceMetrics.CacheHits.Add(1, ServiceMetrics.Layer(ServiceMetrics.CacheLayerMemory));
                return remembered;
            }
            ServiceMetrics.CacheMisses.Add(1, ServiceMetrics.Layer(ServiceMetrics.CacheLayerMemory));
        }

        byte[]? value = null;
        if (_redis is not null)
        {
            try
            {
                var cached = await _redis.GetDatabase().StringGetAsync(key).WaitAsync(RedisConnection.CacheReadTimeout, cancellationToken);
                if (!cached.IsNull)
                {
                    ServiceMetrics.CacheHits.Add(1, ServiceMetrics.Layer(ServiceMetrics.CacheLayerRedis));
                    value = (byte[])cached!;
                }
                else
                {
                    ServiceMetrics.CacheMisses.Add(1, ServiceMetrics.Layer(ServiceMetrics.CacheLayerRedis));
                }
            }
            catch (Exception e) when (RedisConnection.IsOutage(e))
            {
                ServiceMetrics.CacheMisses.Add(1, ServiceMetrics.Layer(ServiceMetrics.CacheLayerRedis));
                _logger.LogWarning("Redis cache unavailable, reading {Key} from the database: {Error}", key, e.Message);
            }
        }

        if (value is null)
        {
            value = await load(cancellationToken);
            if (_redis is not null)
            {
                _redis.GetDatabase().StringSet(key, value, duration, flags: CommandFlags.FireAndForget);
            }
        }
        _memory?.Set(key, value, duration < MemoryDurationCap ? duration : MemoryDurationCap);
        return value;
    }

    /// <summary>Drops keys from every layer, including other instances' memory layers.</summary>
    public async Task InvalidateAsync(IReadOnlyCollection<string> keys)
    {
        foreach (var key in keys)
        {
            _memory?.Remove(key);
        }
        if (_redis is null || keys.Count == 0)
        {
            return;
        }
        try
        {
            var database = _redis.GetDatabase();
            var work = new List<Task> { database.KeyDeleteAsync([.. keys.Select(key => (RedisKey)key)]) };
            if (_memory is not null)
            {
                work.AddRange(keys.Select(key => database.PublishAsync(Invalidations, key)));
            }
            await Task.WhenAll(work);
        }
        catch (Exception e) when (RedisConnection.IsOutage(e))
        {
            // The entries expire by themselves; the write has already succeeded in the database.
            _logger.LogWarning("Could not invalidate cached {Keys}: {Error}", string.Join(", ", keys), e.Message);
        }
    }

    public void Dispose()
    {
        _subscriber?.UnsubscribeAll(CommandFlags.FireAndForget);
        _subscriber = null;
    }
}

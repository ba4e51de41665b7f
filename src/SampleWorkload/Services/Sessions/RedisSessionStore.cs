using Observability.SampleWorkload.Services.Hosting;
using StackExchange.Redis;

namespace Observability.SampleWorkload.Services.Sessions;

/// <summary>
/// Phase 2's sessions: in Redis, so any storefront instance serves any signed-in user. A sorted set of expiry times
/// beside the session keys lets the active-session gauge count live sessions without scanning keys.
/// </summary>
internal sealed class RedisSessionStore(IConnectionMultiplexer redis, TimeProvider clock, ILogger<RedisSessionStore> logger)
    : BackgroundService, ISessionStore
{
    private static readonly RedisKey Expiries = "sessions:expiry";
    private static readonly TimeSpan CountInterval = TimeSpan.FromSeconds(5);
    private long _activeCount;

    public long ActiveCount => Interlocked.Read(ref _activeCount);

    public async Task<string> CreateAsync(string user, CancellationToken cancellationToken)
    {
        var token = SessionTokens.NewToken();
        var database = redis.GetDatabase();
        var set = database.StringSetAsync(Key(token), user, SessionTokens.SlidingExpiry);
        var expiry = database.SortedSetAddAsync(Expiries, token, ExpiryScore());
        await Task.WhenAll(set, expiry);
        return token;
    }

    public async Task<string?> FindAsync(string token, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        // GETEX: read and slide the expiry in one round trip.
        var user = await database.StringGetSetExpiryAsync(Key(token), SessionTokens.SlidingExpiry);
        if (user.IsNull)
        {
            return null;
        }
        database.SortedSetAdd(Expiries, token, ExpiryScore(), flags: CommandFlags.FireAndForget);
        return user.ToString();
    }

    public async Task RemoveAsync(string token, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        await Task.WhenAll(database.KeyDeleteAsync(Key(token)), database.SortedSetRemoveAsync(Expiries, token));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CountInterval, clock);
        do
        {
            try
            {
                var database = redis.GetDatabase();
                await database.SortedSetRemoveRangeByScoreAsync(Expiries, double.NegativeInfinity, clock.GetUtcNow().ToUnixTimeMilliseconds());
                Interlocked.Exchange(ref _activeCount, await database.SortedSetLengthAsync(Expiries));
            }
            catch (Exception e) when (RedisConnection.IsOutage(e))
            {
                logger.LogWarning("Could not count active sessions: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private double ExpiryScore() => (clock.GetUtcNow() + SessionTokens.SlidingExpiry).ToUnixTimeMilliseconds();

    private static RedisKey Key(string token) => "session:" + token;
}

using Observability.SampleWorkload.Services.Hosting;
using StackExchange.Redis;

namespace Observability.SampleWorkload.Services.Sessions;

/// <summary>
/// Phase 2's sessions: in Redis, so any storefront instance serves any signed-in user. A sorted set of expiry times
/// beside the session keys lets the active-session gauge count live sessions without scanning keys; a HyperLogLog per
/// day of the users who signed in gives the monthly active users (the union of the last 30 days) in constant memory.
/// </summary>
internal sealed class RedisSessionStore(IConnectionMultiplexer redis, TimeProvider clock, ILogger<RedisSessionStore> logger)
    : BackgroundService, ISessionStore
{
    private static readonly RedisKey Expiries = "sessions:expiry";
    private static readonly TimeSpan CountInterval = TimeSpan.FromSeconds(5);
    private long _activeCount;
    private long _monthlyActive;

    public long ActiveCount => Interlocked.Read(ref _activeCount);

    public long MonthlyActiveUsers => Interlocked.Read(ref _monthlyActive);

    public async Task<string> CreateAsync(string user, CancellationToken cancellationToken)
    {
        var token = SessionTokens.NewToken();
        var database = redis.GetDatabase();
        var set = database.StringSetAsync(Key(token), user, SessionTokens.SlidingExpiry);
        var expiry = database.SortedSetAddAsync(Expiries, token, ExpiryScore());
        var today = UsersOn(clock.GetUtcNow());
        database.HyperLogLogAdd(today, user, CommandFlags.FireAndForget);
        database.KeyExpire(today, TimeSpan.FromDays(SessionTokens.MonthlyActiveDays + 1), CommandFlags.FireAndForget);
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
                var now = clock.GetUtcNow();
                RedisKey[] days = [.. Enumerable.Range(0, SessionTokens.MonthlyActiveDays).Select(back => UsersOn(now.AddDays(-back)))];
                Interlocked.Exchange(ref _monthlyActive, await database.HyperLogLogLengthAsync(days));
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

    private static RedisKey UsersOn(DateTimeOffset day) => "users:signed-in:" + day.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

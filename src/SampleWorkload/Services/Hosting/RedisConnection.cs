using StackExchange.Redis;

namespace Observability.SampleWorkload.Services.Hosting;

/// <summary>
/// Redis client set-up: short timeouts so an unavailable Redis costs a request about a second at most (cache reads
/// ~250 ms, see <see cref="CacheReadTimeout"/>), never a hang or a crash.
/// </summary>
internal static class RedisConnection
{
    // Sessions and streams have no fallback, so they wait longer than cache reads: on a busy two-core machine a healthy
    // Redis can take a few hundred milliseconds to answer, and a 503 for that would be a false outage.
    public const int TimeoutMilliseconds = 1_000;

    /// <summary>How long a cache read waits for Redis before reading the database instead.</summary>
    public static readonly TimeSpan CacheReadTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>True for the exceptions an unreachable, paused or stopped Redis produces.</summary>
    public static bool IsOutage(Exception exception) => exception is RedisException or TimeoutException;

    public static IServiceCollection AddRedis(this IServiceCollection services, string configuration, string clientName)
    {
        var options = ConfigurationOptions.Parse(configuration);
        // Start even when Redis is down (cache-down drills, start order) and keep reconnecting in the background.
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2_000);
        options.SyncTimeout = TimeoutMilliseconds;
        options.AsyncTimeout = TimeoutMilliseconds;
        options.ClientName ??= clientName;
        // Registered in DI so WorkloadTelemetry's Redis instrumentation traces its commands.
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        return services;
    }
}

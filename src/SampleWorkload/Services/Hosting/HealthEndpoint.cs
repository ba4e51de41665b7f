using Observability.SampleWorkload.Services.Data;
using Observability.SampleWorkload.Shared;
using StackExchange.Redis;

namespace Observability.SampleWorkload.Services.Hosting;

/// <summary>One dependency's state in /healthz.</summary>
internal sealed record HealthCheck(string Name, bool Healthy, string Detail);

/// <summary>/healthz's answer: "healthy"; "degraded" when only Redis is out (reads fall back to the database); else "unhealthy".</summary>
internal sealed record HealthReport(string Status, IReadOnlyList<HealthCheck> Checks);

/// <summary>GET /healthz: 200 when the database (and Redis, when configured) answer, 503 otherwise.</summary>
internal static class HealthEndpoint
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(2);

    public static WebApplication MapServiceHealth(this WebApplication app, ServiceSettings settings)
    {
        app.MapGet(KnownPaths.Health, async (StoreDatabase database, IServiceProvider services, CancellationToken cancellationToken) =>
        {
            var checks = new List<Task<HealthCheck>> { CheckDatabaseAsync("primary", database.Primary, cancellationToken) };
            if (database.HasReplica)
            {
                checks.Add(CheckDatabaseAsync("replica", database.Replica, cancellationToken));
            }
            if (settings.UsesRedis)
            {
                checks.Add(CheckRedisAsync(services.GetRequiredService<IConnectionMultiplexer>()));
            }
            var results = await Task.WhenAll(checks);
            var status = results.All(check => check.Healthy) ? "healthy"
                : results.Where(check => !check.Healthy).All(check => check.Name == "redis") ? "degraded"
                : "unhealthy";
            return Results.Json(new HealthReport(status, results), statusCode: status == "healthy" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }

    private static async Task<HealthCheck> CheckDatabaseAsync(string name, Npgsql.NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return new HealthCheck(name, true, "reachable");
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return new HealthCheck(name, false, $"unreachable: {e.Message}");
        }
    }

    private static async Task<HealthCheck> CheckRedisAsync(IConnectionMultiplexer redis)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return new HealthCheck("redis", true, $"reachable, ping {latency.TotalMilliseconds:0.#} ms");
        }
        catch (Exception e) when (RedisConnection.IsOutage(e))
        {
            return new HealthCheck("redis", false, $"unreachable: {e.Message}");
        }
    }
}

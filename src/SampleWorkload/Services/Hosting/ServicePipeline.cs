using System.Diagnostics;
using Npgsql;
using Observability.SampleWorkload.Shared;

namespace Observability.SampleWorkload.Services.Hosting;

/// <summary>Middleware every service shares: outage errors as 503, and the simulated region.</summary>
internal static class ServicePipeline
{
    /// <summary>
    /// An unreachable dependency (database, Redis, another service behind an open circuit) answers 503 with the
    /// reason, instead of an anonymous 500; the process carries on.
    /// </summary>
    public static WebApplication UseDependencyErrors(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Observability.SampleWorkload.Dependencies");
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception e) when (IsDependencyFailure(e) && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                logger.LogWarning("{Method} {Path} failed on a dependency: {Error}", context.Request.Method, context.Request.Path, e.Message);
                Activity.Current?.AddException(e);
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsJsonAsync(new ApiError($"a dependency is unavailable: {e.GetType().Name}: {e.Message}"));
            }
        });
        return app;
    }

    /// <summary>Phase 6/7: every request pays this region's distance, and its spans say which region served it.</summary>
    public static WebApplication UseRegion(this WebApplication app, ServiceSettings settings)
    {
        if (settings.Region is null && settings.RegionLatencyMilliseconds == 0)
        {
            return app;
        }
        var latency = TimeSpan.FromMilliseconds(settings.RegionLatencyMilliseconds);
        app.Use(async (context, next) =>
        {
            if (settings.Region is not null)
            {
                Activity.Current?.SetTag("cloud.region", settings.Region);
            }
            if (latency > TimeSpan.Zero && !context.Request.Path.StartsWithSegments(KnownPaths.Health) && !context.Request.Path.StartsWithSegments(KnownPaths.Metrics))
            {
                await Task.Delay(latency, context.RequestAborted);
            }
            await next(context);
        });
        return app;
    }

    private static bool IsDependencyFailure(Exception e) =>
        RedisConnection.IsOutage(e) || e is NpgsqlException or HttpRequestException or Polly.ExecutionRejectedException;
}

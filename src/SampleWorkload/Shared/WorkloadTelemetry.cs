using System.Diagnostics;
using System.Diagnostics.Metrics;
using Npgsql;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Observability.SampleWorkload.Shared;

/// <summary>
/// The OpenTelemetry set-up every workload process shares. Everything is configured by the standard OTEL_*
/// environment variables (endpoint, protocol, service name, resource attributes), which the launcher sets per process.
/// </summary>
internal static class WorkloadTelemetry
{
    /// <summary>Name of the workload's own ActivitySource and Meter.</summary>
    public const string SourceName = "Observability.SampleWorkload";

    public static readonly ActivitySource Source = new(SourceName);

    public static readonly Meter Meter = new(SourceName);

    /// <summary>Traces, metrics and logs over OTLP, and /metrics for Prometheus, for the process of the given role.</summary>
    public static WebApplicationBuilder AddWorkloadTelemetry(this WebApplicationBuilder builder, string role, Action<TracerProviderBuilder>? tracing = null)
    {
        var serviceName = Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") is { Length: > 0 } name ? name : KnownRoles.ServiceName(role);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            logging.AddOtlpExporter();
        });
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: Environment.GetEnvironmentVariable("OTEL_SERVICE_INSTANCE_ID")))
            .WithTracing(traces =>
            {
                traces
                    .AddSource(SourceName)
                    .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsHousekeeping(context.Request.Path))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
                    .AddRedisInstrumentation()
                    .AddOtlpExporter();
                tracing?.Invoke(traces);
            })
            .WithMetrics(metrics => metrics
                .AddMeter(SourceName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddOtlpExporter()
                .AddPrometheusExporter());
        return builder;
    }

    /// <summary>Serves /metrics; call after the app is built.</summary>
    public static WebApplication MapWorkloadTelemetry(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(KnownPaths.Metrics);
        return app;
    }

    private static bool IsHousekeeping(PathString path) =>
        path.StartsWithSegments(KnownPaths.Health) || path.StartsWithSegments(KnownPaths.Metrics);
}

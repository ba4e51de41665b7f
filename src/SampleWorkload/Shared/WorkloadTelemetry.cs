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

    /// <summary>
    /// The memory this process may use (the container's limit, else the machine's), so memory usage can be stated as a
    /// share: the semantic conventions' system.memory.limit, which the runtime does not report itself.
    /// </summary>
    private static readonly ObservableGauge<long> MemoryLimit = Meter.CreateObservableGauge(
        "system.memory.limit", () => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, "By", "Memory available to this process");

    /// <summary>Traces, metrics and logs over OTLP, and /metrics for Prometheus, for the process of the given role.</summary>
    public static WebApplicationBuilder AddWorkloadTelemetry(this WebApplicationBuilder builder, string role, Action<TracerProviderBuilder>? tracing = null)
    {
        var serviceName = Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") is { Length: > 0 } name ? name : KnownRoles.ServiceName(role);
        // Static fields are created on first use; a process that never touches them would report no memory limit.
        GC.KeepAlive(MemoryLimit);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            logging.AddOtlpExporter();
        });
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName,
                serviceInstanceId: InstanceIdFromEnvironment(),
                // Without one given, a fresh id per process; given (by the launcher), it must not be replaced.
                autoGenerateServiceInstanceId: InstanceIdFromEnvironment() is null))
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

    /// <summary>service.instance.id from OTEL_RESOURCE_ATTRIBUTES (key=value pairs separated by commas), if set there.</summary>
    private static string? InstanceIdFromEnvironment() =>
        (Environment.GetEnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0] == "service.instance.id")
            .Select(pair => Uri.UnescapeDataString(pair[1]))
            .LastOrDefault();

    private static bool IsHousekeeping(PathString path) =>
        path.StartsWithSegments(KnownPaths.Health) || path.StartsWithSegments(KnownPaths.Metrics);
}

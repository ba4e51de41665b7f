using Observability.Core.Metrics;

namespace Observability.Dashboard.Telemetry;

/// <summary>The services behind the Services and Metrics pages.</summary>
public static class TelemetryPages
{
    public static IServiceCollection AddTelemetryPages(this IServiceCollection services)
    {
        // Scoped: one per circuit, so each open Services page keeps its own recently read dependency graph.
        services.AddScoped<IServicesSource, ServicesSource>();
        services.AddSingleton<MetricQueryService>();
        services.AddSingleton<IMetricsSource, MetricsSource>();
        return services;
    }
}

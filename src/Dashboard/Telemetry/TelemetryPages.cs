namespace Observability.Dashboard.Telemetry;

/// <summary>The services behind the Services and Metrics pages.</summary>
public static class TelemetryPages
{
    public static IServiceCollection AddTelemetryPages(this IServiceCollection services) => services;
}

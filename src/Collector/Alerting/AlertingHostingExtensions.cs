using Observability.Core.Alerting;
using Observability.Core.Alerting.Incidents;
using Observability.Core.Storage;

namespace Observability.Collector.Alerting;

public static class AlertingHostingExtensions
{
    /// <summary>Alert states, silences, incidents and the webhook outbox in the telemetry database, and the incident service.</summary>
    public static WebApplicationBuilder AddAlerting(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<IAlertingStore>(provider => provider.GetRequiredService<ITelemetryStore>().Alerting);
        services.AddSingleton<IFaultGroundTruth, SpanFaultGroundTruth>();
        services.AddSingleton<IncidentService>();
        return builder;
    }
}

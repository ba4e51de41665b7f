namespace Observability.SampleWorkload.Shared;

/// <summary>HTTP paths shared between the launcher, the gateway, the services and the load generator.</summary>
internal static class KnownPaths
{
    /// <summary>Liveness and readiness of every service process; the gateway's active health check.</summary>
    public const string Health = "/healthz";

    /// <summary>Prometheus text exposition of every process (OpenTelemetry.Exporter.Prometheus.AspNetCore).</summary>
    public const string Metrics = "/metrics";

    /// <summary>
    /// Fault switch on each service instance, for the launcher only (bearer <see cref="KnownSettings.ControlToken"/>):
    /// POST {"id","kind","durationSeconds","magnitude"} turns a fault on until it ends; DELETE /internal/faults/{id} ends it early.
    /// </summary>
    public const string InstanceFaults = "/internal/faults";

    /// <summary>Fault injection on the gateway, for users: POST {"kind","durationSeconds","target"}, GET lists.</summary>
    public const string Faults = "/faults";
}

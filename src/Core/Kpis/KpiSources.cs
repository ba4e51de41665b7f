namespace Observability.Core.Kpis;

/// <summary>An incident's timeline as MTTD and MTTR need it.</summary>
/// <param name="ImpactStart">The first bad sample, or the fault's ground-truth start when the telemetry carries one.</param>
public sealed record IncidentTimes(string Id, DateTimeOffset ImpactStart, DateTimeOffset DetectedAt, DateTimeOffset? ResolvedAt);

/// <summary>Incidents recorded by alerting; MTTD and MTTR read them.</summary>
public interface IIncidentHistory
{
    /// <summary>Incidents detected in [from, to).</summary>
    Task<IReadOnlyList<IncidentTimes>> DetectedBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>A KPI's value recorded as the reference for "-50% from phase 1" targets.</summary>
public sealed record KpiBaseline(string KpiId, double Value, DateTimeOffset RecordedAt, DateTimeOffset From, DateTimeOffset To, int? Phase, string RecordedBy);

/// <summary>Where recorded baselines are kept.</summary>
public interface IKpiBaselines
{
    Task<KpiBaseline?> GetAsync(string kpiId, CancellationToken cancellationToken);
}

/// <summary>No incidents can exist until alerting records them; MTTD and MTTR then say so rather than show zero.</summary>
public sealed class NoIncidentHistory : IIncidentHistory
{
    public Task<IReadOnlyList<IncidentTimes>> DetectedBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IncidentTimes>>([]);
}

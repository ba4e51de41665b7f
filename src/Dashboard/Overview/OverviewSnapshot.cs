using Observability.Core.Alerting;
using Observability.Core.Roadmap;
using Observability.Core.Rollups;

namespace Observability.Dashboard.Overview;

/// <summary>Everything the Overview shows, read at one moment.</summary>
/// <param name="Phase">The phase the system is in (Alerting:Phase), with each target judged on the latest KPI tick.</param>
/// <param name="Service">The service whose requests/s, error ratio and p99 are shown (Kpis:EdgeService, else the busiest).</param>
/// <param name="Red">That service's figures over the last minute; null when no spans arrived in it.</param>
public sealed record OverviewSnapshot(
    DateTimeOffset ReadAt,
    PhaseVerdict Phase,
    IReadOnlyList<AlertInstance> FiringAlerts,
    IReadOnlyList<Incident> OpenIncidents,
    string? Service,
    RedPoint? Red)
{
    /// <summary>Each target KPI's samples over the last hour, oldest first (for the sparklines); a KPI missing here has none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(DateTimeOffset At, double? Value)>> LastHour { get; init; } =
        new Dictionary<string, IReadOnlyList<(DateTimeOffset At, double? Value)>>();
}

/// <summary>Reads the Overview's figures; the page depends on this alone, so its tests can feed it fixed data.</summary>
public interface IOverviewSource
{
    Task<OverviewSnapshot> ReadAsync(CancellationToken cancellationToken);
}

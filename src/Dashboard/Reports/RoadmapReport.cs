using Observability.Core.Kpis;
using Observability.Core.Roadmap;

namespace Observability.Dashboard.Reports;

/// <summary>The Roadmap page's figures: every phase's verdict over one window, recorded baselines and load-test evidence.</summary>
/// <param name="Window">The window's name ("now", "1h", "7d", "30d"; see <see cref="RoadmapHistory.Windows"/>).</param>
/// <param name="Baselines">Recorded baselines by KPI id.</param>
public sealed record RoadmapReport(
    string Window,
    DateTimeOffset ReadAt,
    RoadmapDefinition Roadmap,
    RoadmapVerdict Verdict,
    IReadOnlyDictionary<string, KpiBaseline> Baselines,
    IReadOnlyList<LoadTestRecord> LoadTests);

/// <summary>One KPI's samples over a window, for the drill-down chart; no samples: never measured in it.</summary>
public sealed record KpiSeries(string KpiId, string Unit, string Description, KpiWindow Window, IReadOnlyList<ChartPoint> Samples)
{
    /// <summary>The reason the latest sample without a value gave, if the series has no value at all.</summary>
    public string? NoDataReason { get; init; }
}

/// <summary>Reads the Roadmap page's figures; the page depends on this alone, so its tests can feed it fixed data.</summary>
public interface IRoadmapSource
{
    /// <param name="window">A name of <see cref="RoadmapHistory.Windows"/>.</param>
    Task<RoadmapReport> ReadAsync(string window, CancellationToken cancellationToken);

    /// <summary>The KPI's samples over the <paramref name="length"/> ending now.</summary>
    Task<KpiSeries> ReadKpiAsync(string kpiId, TimeSpan length, CancellationToken cancellationToken);
}

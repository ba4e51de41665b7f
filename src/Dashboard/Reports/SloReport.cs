using Observability.Core.Alerting.Slo;
using Observability.Core.Kpis;

namespace Observability.Dashboard.Reports;

/// <summary>Every SLO with its latest stored evaluation, and where the SLOs come from (none defined: the page says where to define them).</summary>
/// <param name="RulesPath">The alerts file the SLOs were read from (Alerting:RulesPath); null when none is set.</param>
public sealed record SloReport(DateTimeOffset ReadAt, string? RulesPath, IReadOnlyList<SloStatus> Slos);

/// <summary>
/// One SLO now: the latest stored SLI, budget remaining and burn rates (each null when no evaluation is fresh), the good
/// and total events over its window so far, and its budget remaining over that window for the burn-down chart.
/// </summary>
/// <param name="WindowMinutes">The whole window the objective applies to: the rolling length, or the whole calendar month.</param>
public sealed record SloStatus(
    SloDefinition Slo,
    KpiMeasurement? Sli,
    KpiMeasurement? BudgetRemaining,
    IReadOnlyList<SloBurnRate> BurnRates,
    SloCounts? Counts,
    DateTimeOffset WindowFrom,
    double WindowMinutes,
    IReadOnlyList<ChartPoint> BurnDown)
{
    /// <summary>The bad minutes the objective allows over the whole window: (1 − objective) × its minutes.</summary>
    public double AllowedBadMinutes => Slo.ErrorBudget * WindowMinutes;
}

/// <summary>The burn rate over one window, or null when the latest evaluation had none (its reason is in the measurement).</summary>
public sealed record SloBurnRate(TimeSpan Window, KpiMeasurement? Measurement);

/// <summary>Reads the SLOs page's figures; the page depends on this alone, so its tests can feed it fixed data.</summary>
public interface ISloSource
{
    Task<SloReport> ReadAsync(CancellationToken cancellationToken);
}

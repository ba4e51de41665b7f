using System.Collections.Concurrent;
using Observability.Collector.Alerting;
using Observability.Core.Alerting.Slo;
using Observability.Core.Kpis;
using Observability.Core.Roadmap;

namespace Observability.Dashboard.Reports;

/// <summary>
/// The SLOs the Collector evaluates (Alerting:RulesPath), with the evaluation its KPI job stores every 15 s, as GET
/// /api/slos serves it. The window's event counts and the burn-down are re-read at most once per KPI tick per SLO:
/// they cover up to a month, and change only when a new evaluation is stored.
/// </summary>
internal sealed class SloSource(AlertRuleSet rules, IKpiStore kpis, SloCalculator calculator, TimeProvider time) : ISloSource
{
    /// <summary>The KPI job's tick: nothing slower than this changes sooner.</summary>
    private static readonly TimeSpan SlowPartsFreshness = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<string, (DateTimeOffset ReadAt, SloCounts Counts, IReadOnlyList<ChartPoint> BurnDown)> _slowParts = new(StringComparer.Ordinal);

    public async Task<SloReport> ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var latest = (await kpis.GetLatestSamplesAsync(now - RoadmapHistory.Freshness, cancellationToken)).ToDictionary(s => s.KpiId, StringComparer.Ordinal);
        var statuses = new List<SloStatus>(rules.Slos.Count);
        foreach (var slo in rules.Slos)
        {
            var (from, to) = slo.TimeWindow.At(now);
            var windowMinutes = (slo.TimeWindow.Rolling ?? (from.AddMonths(1) - from)).TotalMinutes;
            var (counts, burnDown) = await SlowPartsAsync(slo, now, from, to, cancellationToken);
            statuses.Add(new SloStatus(
                slo,
                Latest(SloCalculator.SliId(slo.Name)),
                Latest(SloCalculator.BudgetRemainingId(slo.Name)),
                [.. SloCalculator.BurnRateWindows.Select(window => new SloBurnRate(window, Latest(SloCalculator.BurnRateId(slo.Name, window))))],
                counts,
                from,
                windowMinutes,
                burnDown));
        }
        return new SloReport(now, rules.SourcePath, statuses);

        KpiMeasurement? Latest(string id) => latest.TryGetValue(id, out var sample) ? sample.Measurement : null;
    }

    private async Task<(SloCounts Counts, IReadOnlyList<ChartPoint> BurnDown)> SlowPartsAsync(
        SloDefinition slo, DateTimeOffset now, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (_slowParts.TryGetValue(slo.Name, out var kept) && now - kept.ReadAt < SlowPartsFreshness)
        {
            return (kept.Counts, kept.BurnDown);
        }
        var counts = await calculator.CountsAsync(slo, from, to, cancellationToken);
        var samples = await kpis.GetSamplesAsync(SloCalculator.BudgetRemainingId(slo.Name), from, to, RoadmapHistory.MaxSamplesPerKpi, cancellationToken);
        // The lowest budget of each stretch: a dip that spent budget stays visible however long the window.
        var burnDown = ChartPoints.Thin([.. samples.Select(s => new ChartPoint(s.MeasuredAt, s.Measurement.Value))], values => values.Min());
        _slowParts[slo.Name] = (now, counts, burnDown);
        return (counts, burnDown);
    }
}

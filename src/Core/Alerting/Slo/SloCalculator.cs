using System.Globalization;
using Observability.Core.Alerting.Rules;
using Observability.Core.Kpis;
using Observability.Core.Rollups;
using Observability.Core.Sketches;
using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Core.Alerting.Slo;

/// <summary>Good and total events of an SLO over a window, or none and why. Counts, never averaged ratios.</summary>
public sealed record SloCounts(double Good, double Total, string? NoDataReason = null)
{
    public double Bad => Total - Good;

    public bool HasData => NoDataReason is null && Total > 0;

    public static SloCounts NoData(string reason) => new(0, 0, reason);
}

/// <summary>
/// SLO arithmetic from stored telemetry: the SLI, error budget remaining and burn rates, all from good and total counts.
/// Burn rate over w = (bad/total over w) / (1 − objective): 1 spends the budget exactly over the SLO window.
/// Budget remaining over the SLO window = 1 − bad / (allowed bad), allowed bad = (1 − objective) · total.
/// </summary>
public sealed class SloCalculator(ISpanRollupReader rollups, ITelemetryReader telemetry)
{
    /// <summary>The windows of the stored burn-rate series: those the SRE workbook's alerts read.</summary>
    public static readonly IReadOnlyList<TimeSpan> BurnRateWindows =
        [TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromDays(3)];

    public const string PercentUnit = "%";

    /// <summary>A burn rate is a multiple of the sustainable pace: 1 spends the whole budget in exactly the SLO window.</summary>
    public const string RatioUnit = "ratio";

    private static readonly IReadOnlyCollection<SpanKind> ServerKinds = [SpanKind.Server];

    public static string SliId(string slo) => $"{SeriesPrefix(slo)}sli";

    public static string BudgetRemainingId(string slo) => $"{SeriesPrefix(slo)}budget_remaining";

    public static string BurnRateId(string slo, TimeSpan window) => $"{SeriesPrefix(slo)}burn_rate_{AlertDurations.Format(window)}";

    /// <summary>"slo:NAME:", the start of every series id of the SLO.</summary>
    public static string SeriesPrefix(string slo) => $"slo:{slo}:";

    /// <summary>Every series the SLO stores, by its short name ("sli", "budget_remaining", "burn_rate_5m", ...) and id.</summary>
    public static IReadOnlyList<(string Measure, string Id)> SeriesOf(string slo) =>
        [.. new[] { SliId(slo), BudgetRemainingId(slo) }
            .Concat(BurnRateWindows.Select(window => BurnRateId(slo, window)))
            .Select(id => (id[SeriesPrefix(slo).Length..], id))];

    /// <summary>Good and total events in [from, to).</summary>
    public Task<SloCounts> CountsAsync(SloDefinition slo, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) => slo.Indicator switch
    {
        AvailabilityIndicator => SpanCountsAsync(slo, null, null, from, to, cancellationToken),
        LatencyIndicator latency => SpanCountsAsync(slo, latency.Operation, latency.ThresholdMilliseconds, from, to, cancellationToken),
        RatioIndicator ratio => RatioCountsAsync(ratio, from, to, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(slo), slo.Indicator, "unknown indicator"),
    };

    /// <summary>(bad/total)/(1 − objective), or null without events.</summary>
    public static double? BurnRate(SloDefinition slo, SloCounts counts) =>
        counts.HasData ? counts.Bad / counts.Total / slo.ErrorBudget : null;

    /// <summary>1 − bad/(allowed bad): 1 untouched, 0 spent, below 0 overspent; null without events.</summary>
    public static double? BudgetRemaining(SloDefinition slo, SloCounts counts) =>
        counts.HasData ? 1 - counts.Bad / (slo.ErrorBudget * counts.Total) : null;

    /// <summary>The burn rate over the <paramref name="window"/> ending at <paramref name="now"/>, or null and why.</summary>
    public async Task<(double? BurnRate, string? NoDataReason)> BurnRateAsync(
        SloDefinition slo, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var counts = await CountsAsync(slo, now - window, now, cancellationToken);
        return BurnRate(slo, counts) is { } rate ? (rate, null) : (null, Reason(slo, counts, now - window, now));
    }

    /// <summary>
    /// The series to store at <paramref name="now"/>: the SLI (good share, %) and budget remaining (%) over the SLO's
    /// window, and the burn rate (ratio) over each of <see cref="BurnRateWindows"/>.
    /// </summary>
    public async Task<IReadOnlyList<KpiMeasurement>> SnapshotAsync(SloDefinition slo, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var measurements = new List<KpiMeasurement>();
        var (from, to) = slo.TimeWindow.At(now);
        var sloWindow = new KpiWindow(from, to);
        var counts = await CountsAsync(slo, from, to, cancellationToken);
        if (counts.HasData)
        {
            var detail = $"{Count(counts.Good)} good of {Count(counts.Total)} events ({slo.TimeWindow.Describe()}); objective {slo.Objective * 100:0.###}%";
            measurements.Add(KpiMeasurement.Measured(SliId(slo.Name), sloWindow, counts.Good / counts.Total * 100, PercentUnit, detail));
            measurements.Add(KpiMeasurement.Measured(BudgetRemainingId(slo.Name), sloWindow, BudgetRemaining(slo, counts)!.Value * 100, PercentUnit,
                $"{Count(counts.Bad)} bad of {Count(slo.ErrorBudget * counts.Total)} allowed"));
        }
        else
        {
            var reason = Reason(slo, counts, from, to);
            measurements.Add(KpiMeasurement.NoData(SliId(slo.Name), sloWindow, PercentUnit, reason));
            measurements.Add(KpiMeasurement.NoData(BudgetRemainingId(slo.Name), sloWindow, PercentUnit, reason));
        }
        foreach (var window in BurnRateWindows)
        {
            var burnWindow = KpiWindow.Ending(now, window);
            var windowCounts = await CountsAsync(slo, burnWindow.From, burnWindow.To, cancellationToken);
            measurements.Add(BurnRate(slo, windowCounts) is { } rate
                ? KpiMeasurement.Measured(BurnRateId(slo.Name, window), burnWindow, rate, RatioUnit, $"{Count(windowCounts.Bad)} bad of {Count(windowCounts.Total)} events")
                : KpiMeasurement.NoData(BurnRateId(slo.Name, window), burnWindow, RatioUnit, Reason(slo, windowCounts, burnWindow.From, burnWindow.To)));
        }
        return measurements;
    }

    private static string Reason(SloDefinition slo, SloCounts counts, DateTimeOffset from, DateTimeOffset to) =>
        counts.NoDataReason ?? $"no {slo.Indicator.Describe()} events of {slo.Service} {new KpiWindow(from, to).Describe()}";

    private static string Count(double value) => value.ToString(value == Math.Floor(value) ? "N0" : "N1", CultureInfo.InvariantCulture);

    /// <summary>Server spans of the service from the rollups: good = not in error, or (with a threshold) at or under it.</summary>
    private async Task<SloCounts> SpanCountsAsync(
        SloDefinition slo, string? operation, double? thresholdMilliseconds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        long requests = 0, errors = 0;
        var durations = thresholdMilliseconds is null ? null : new LatencySketch(maxScale: SpanRollup.SketchMaxScale);
        foreach (var segment in RollupCover.Segments(UnixTime.Nanos(from), UnixTime.Nanos(to)))
        {
            var rows = await rollups.GetSpanRollupsAsync(
                new SpanRollupQuery(segment.Resolution, segment.FromUnixNanos, segment.ToUnixNanos, slo.Service, operation, ServerKinds), cancellationToken);
            foreach (var row in rows)
            {
                requests += row.RequestCount;
                errors += row.ErrorCount;
                if (durations is not null)
                {
                    row.MergeDurationsInto(durations);
                }
            }
        }
        if (requests == 0)
        {
            return SloCounts.NoData($"no server spans of {slo.Service}{(operation is null ? "" : $" operation '{operation}'")} {new KpiWindow(from, to).Describe()}");
        }
        var good = durations is null ? requests - errors : Math.Min(durations.CountAtOrBelow(thresholdMilliseconds!.Value), requests);
        return new SloCounts(good, requests);
    }

    /// <summary>Events of each query: rate over the window times its length, i.e. a counter's increase or a histogram's observations.</summary>
    private async Task<SloCounts> RatioCountsAsync(RatioIndicator ratio, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var (total, totalMissing) = await EventsAsync(ratio.Total, from, to, cancellationToken);
        if (total is not > 0)
        {
            return SloCounts.NoData(totalMissing ?? $"no events counted by {ratio.Total.Describe()} {new KpiWindow(from, to).Describe()}");
        }
        // No good events recorded while events happened is a measurement: none of them were good.
        var (good, _) = await EventsAsync(ratio.Good, from, to, cancellationToken);
        return new SloCounts(Math.Clamp(good ?? 0, 0, total.Value), total.Value);
    }

    private async Task<(double? Events, string? Missing)> EventsAsync(SloMetricQuery query, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var (series, missing) = await MetricWindowQuery.RunAsync(telemetry, query.Metric, "rate", query.Match, [], from, to, cancellationToken);
        if (series.FirstOrDefault()?.Values[0] is not { } perSecond)
        {
            return (null, missing);
        }
        return (perSecond * (to - from).TotalSeconds, null);
    }
}

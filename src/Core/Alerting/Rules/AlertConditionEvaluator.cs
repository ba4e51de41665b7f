using Observability.Core.Alerting.Slo;
using Observability.Core.Kpis;
using Observability.Core.Rollups;
using Observability.Core.Sketches;
using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Core.Alerting.Rules;

/// <summary>
/// Measures a rule's condition over its window ending now: one <see cref="ConditionResult"/> per series, each with a
/// value or the reason it has none. Reads KPIs, span rollups, metric points and SLO counts; decides nothing.
/// </summary>
public sealed class AlertConditionEvaluator(
    KpiCalculator kpis,
    ISpanRollupReader rollups,
    ITelemetryReader telemetry,
    SloCalculator slos,
    TimeProvider time)
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    public Task<IReadOnlyList<ConditionResult>> EvaluateAsync(AlertRule rule, CancellationToken cancellationToken) =>
        EvaluateAsync(rule, time.GetUtcNow(), cancellationToken);

    public async Task<IReadOnlyList<ConditionResult>> EvaluateAsync(AlertRule rule, DateTimeOffset now, CancellationToken cancellationToken) => rule.Condition switch
    {
        KpiCondition kpi => [await KpiAsync(kpi, KpiWindow.Ending(now, rule.Window), cancellationToken)],
        RedCondition red => await RedAsync(red, now - rule.Window, now, cancellationToken),
        MetricCondition metric => await MetricAsync(metric, now - rule.Window, now, cancellationToken),
        SloBurnCondition burn => [await BurnAsync(burn, now, cancellationToken)],
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.Condition, "unknown condition"),
    };

    private async Task<ConditionResult> KpiAsync(KpiCondition condition, KpiWindow window, CancellationToken cancellationToken)
    {
        var measurement = await kpis.MeasureAsync(condition.KpiId, window, cancellationToken);
        return measurement.Value is { } value
            ? ConditionResult.Measured(NoLabels, value)
            : ConditionResult.NoData(NoLabels, measurement.NoDataReason ?? $"{condition.KpiId} has no value {window.Describe()}");
    }

    /// <summary>Entry spans per service (or of the one service named), read from the coarsest rollups that cover the window.</summary>
    private async Task<IReadOnlyList<ConditionResult>> RedAsync(RedCondition condition, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var byService = new SortedDictionary<string, (long Requests, long Errors, LatencySketch Durations)>(StringComparer.Ordinal);
        foreach (var segment in RollupCover.Segments(UnixTime.Nanos(from), UnixTime.Nanos(to)))
        {
            var rows = await rollups.GetSpanRollupsAsync(new SpanRollupQuery(
                segment.Resolution, segment.FromUnixNanos, segment.ToUnixNanos, condition.Service, condition.Operation, RedQueryService.DefaultKinds), cancellationToken);
            foreach (var row in rows)
            {
                var service = row.Key.ServiceName;
                var (requests, errors, durations) = byService.TryGetValue(service, out var found)
                    ? found
                    : (0, 0, new LatencySketch(maxScale: SpanRollup.SketchMaxScale));
                if (IsPercentile(condition.Signal))
                {
                    row.MergeDurationsInto(durations);
                }
                byService[service] = (requests + row.RequestCount, errors + row.ErrorCount, durations);
            }
        }

        var window = new KpiWindow(from, to);
        var what = condition.Operation is null ? "entry spans" : $"entry spans of operation '{condition.Operation}'";
        if (condition.Service is { } named && !byService.ContainsKey(named))
        {
            // A named service with no spans: a rate of 0 is a fact; a ratio or a percentile of nothing is no data.
            var labels = ServiceLabels(named);
            return [condition.Signal == RedSignal.Rate
                ? ConditionResult.Measured(labels, 0)
                : ConditionResult.NoData(labels, $"no {what} of {named} {window.Describe()}")];
        }
        return [.. byService.Select(pair =>
        {
            var (requests, errors, durations) = pair.Value;
            var labels = ServiceLabels(pair.Key);
            double? value = condition.Signal switch
            {
                RedSignal.Rate => requests / window.Length.TotalSeconds,
                RedSignal.ErrorRatio => requests == 0 ? null : (double)errors / requests,
                _ => durations.Count == 0 ? null : durations.Quantile(Quantile(condition.Signal)),
            };
            return value is { } v
                ? ConditionResult.Measured(labels, v)
                : ConditionResult.NoData(labels, $"no {what} of {pair.Key} {window.Describe()}");
        })];
    }

    private static IReadOnlyDictionary<string, string> ServiceLabels(string service) =>
        new Dictionary<string, string>(StringComparer.Ordinal) { [KnownAlertLabels.Service] = service };

    private static bool IsPercentile(RedSignal signal) => signal is RedSignal.P50 or RedSignal.P90 or RedSignal.P95 or RedSignal.P99;

    private static double Quantile(RedSignal signal) => signal switch
    {
        RedSignal.P50 => 0.50,
        RedSignal.P90 => 0.90,
        RedSignal.P95 => 0.95,
        _ => 0.99,
    };

    private async Task<IReadOnlyList<ConditionResult>> MetricAsync(MetricCondition condition, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var (series, missing) = await MetricWindowQuery.RunAsync(telemetry, condition.Metric, condition.Aggregation, condition.Match, condition.By, from, to, cancellationToken);
        if (missing is not null)
        {
            return [ConditionResult.NoData(NoLabels, missing)];
        }
        var window = new KpiWindow(from, to);
        return [.. series.Select(s => s.Values[0] is { } value
            ? ConditionResult.Measured(s.Labels, value)
            : ConditionResult.NoData(s.Labels, $"{condition.Aggregation} of {condition.Metric} has no value {window.Describe()}"))];
    }

    private async Task<ConditionResult> BurnAsync(SloBurnCondition condition, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (longRate, longMissing) = await slos.BurnRateAsync(condition.Slo, condition.LongWindow, now, cancellationToken);
        var (shortRate, shortMissing) = await slos.BurnRateAsync(condition.Slo, condition.ShortWindow, now, cancellationToken);
        if (longRate is { } l && shortRate is { } s)
        {
            // Both windows over the factor is the smaller of the two over it.
            return ConditionResult.Measured(NoLabels, Math.Min(l, s));
        }
        return ConditionResult.NoData(NoLabels, longMissing ?? shortMissing!);
    }
}

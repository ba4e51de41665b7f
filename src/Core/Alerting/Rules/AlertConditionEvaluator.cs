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
        RedCondition red => await RedAsync(rule, red, now - rule.Window, now, cancellationToken),
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

    /// <summary>
    /// Entry spans per service (or of the one service named), read from the coarsest rollups that cover the window.
    /// Each series' <see cref="ConditionResult.ImpactStart"/> is the start of the first rollup bucket in the window that
    /// breaks the rule on its own: the first bad sample, which the alert's episode dates its impact from.
    /// </summary>
    private async Task<IReadOnlyList<ConditionResult>> RedAsync(AlertRule rule, RedCondition condition, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var byService = new SortedDictionary<string, RedAccumulator>(StringComparer.Ordinal);
        foreach (var segment in RollupCover.Segments(UnixTime.Nanos(from), UnixTime.Nanos(to)))
        {
            var rows = await rollups.GetSpanRollupsAsync(new SpanRollupQuery(
                segment.Resolution, segment.FromUnixNanos, segment.ToUnixNanos, condition.Service, condition.Operation, RedQueryService.DefaultKinds), cancellationToken);
            foreach (var row in rows)
            {
                if (!byService.TryGetValue(row.Key.ServiceName, out var accumulator))
                {
                    byService[row.Key.ServiceName] = accumulator = new RedAccumulator(rule, condition.Signal);
                }
                accumulator.Add(row, segment.Resolution.Width);
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
            var labels = ServiceLabels(pair.Key);
            return pair.Value.Value(window.Length) is { } value
                ? ConditionResult.Measured(labels, value) with { ImpactStart = pair.Value.FirstBadBucket() }
                : ConditionResult.NoData(labels, $"no {what} of {pair.Key} {window.Describe()}");
        })];
    }

    private static IReadOnlyDictionary<string, string> ServiceLabels(string service) =>
        new Dictionary<string, string>(StringComparer.Ordinal) { [KnownAlertLabels.Service] = service };

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

    /// <summary>One service's spans over the window, and the same figure bucket by bucket to find the first bad one.</summary>
    private sealed class RedAccumulator(AlertRule rule, RedSignal signal)
    {
        private readonly bool _percentile = signal is RedSignal.P50 or RedSignal.P90 or RedSignal.P95 or RedSignal.P99;
        private readonly LatencySketch _durations = new(maxScale: SpanRollup.SketchMaxScale);
        private readonly LatencySketch _bucketDurations = new(maxScale: SpanRollup.SketchMaxScale);
        private long _requests;
        private long _errors;
        private long _bucketStart = long.MinValue;
        private TimeSpan _bucketWidth;
        private long _bucketRequests;
        private long _bucketErrors;
        private long? _firstBad;

        /// <summary>Rows come ordered by bucket, and segments in time order, so a bucket is complete when the next begins.</summary>
        public void Add(SpanRollup row, TimeSpan bucketWidth)
        {
            if (row.BucketStartUnixNanos != _bucketStart)
            {
                CloseBucket();
                _bucketStart = row.BucketStartUnixNanos;
                _bucketWidth = bucketWidth;
            }
            _requests += row.RequestCount;
            _errors += row.ErrorCount;
            _bucketRequests += row.RequestCount;
            _bucketErrors += row.ErrorCount;
            if (_percentile)
            {
                row.MergeDurationsInto(_durations);
                row.MergeDurationsInto(_bucketDurations);
            }
        }

        public double? Value(TimeSpan window) => Of(_requests, _errors, _durations, window);

        public DateTimeOffset? FirstBadBucket()
        {
            CloseBucket();
            return _firstBad is { } nanos ? UnixTime.ToDateTimeOffset(nanos) : null;
        }

        private void CloseBucket()
        {
            if (_bucketStart != long.MinValue && _firstBad is null
                && Of(_bucketRequests, _bucketErrors, _bucketDurations, _bucketWidth) is { } value && rule.IsBreachedBy(value))
            {
                _firstBad = _bucketStart;
            }
            _bucketRequests = 0;
            _bucketErrors = 0;
            _bucketDurations.Clear();
        }

        private double? Of(long requests, long errors, LatencySketch durations, TimeSpan length) => signal switch
        {
            RedSignal.Rate => requests / length.TotalSeconds,
            RedSignal.ErrorRatio => requests == 0 ? null : (double)errors / requests,
            RedSignal.P50 => Quantile(durations, 0.50),
            RedSignal.P90 => Quantile(durations, 0.90),
            RedSignal.P95 => Quantile(durations, 0.95),
            _ => Quantile(durations, 0.99),
        };

        private static double? Quantile(LatencySketch durations, double q) => durations.Count == 0 ? null : durations.Quantile(q);
    }
}

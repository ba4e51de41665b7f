using System.Text.Json;
using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Core.Metrics;

/// <summary>
/// A metric query: steps [From + i·Step, From + (i+1)·Step) up to To. Points from <see cref="LoadFromUnixNanos"/> (before
/// From) are read only as the previous values that cumulative points are differenced against.
/// </summary>
public sealed record MetricQueryRequest(
    string Metric,
    long FromUnixNanos,
    long ToUnixNanos,
    long StepNanos,
    MetricAggregation Aggregation,
    IReadOnlyList<string>? By)
{
    public int StepCount => (int)((ToUnixNanos - FromUnixNanos + StepNanos - 1) / StepNanos);

    /// <summary>How far before From points are read: a step, and at least five minutes, as Prometheus looks back.</summary>
    public long LoadFromUnixNanos => FromUnixNanos - Math.Max(StepNanos, 300_000_000_000);
}

/// <summary>One output series: its labels and one value per step, null where the step has no data.</summary>
public sealed record MetricSeriesValues(SortedDictionary<string, string> Labels, double?[] Values);

public sealed record MetricQueryResult(MetricType? Type, IReadOnlyList<MetricSeriesValues> Series, IReadOnlyList<string> Warnings, string? NoData);

/// <summary>
/// Aggregates metric points per step. Each point belongs to a series (service.name plus its attributes); series are
/// aggregated on their own, or merged into groups by the <c>by</c> labels (quantiles merge everything unless grouped).
/// Cumulative points are differenced per series, a counter reset or a new start time starting the series afresh;
/// delta points are increments already.
/// </summary>
public static class MetricQueryEngine
{
    public static MetricQueryResult Run(MetricQueryRequest request, IReadOnlyList<MetricSample> samples)
    {
        var warnings = new List<string>();
        var inRange = samples.Count(s => s.TimeUnixNanos >= request.FromUnixNanos && s.TimeUnixNanos < request.ToUnixNanos);
        if (inRange == 0)
        {
            return new MetricQueryResult(samples.Count > 0 ? samples[^1].Type : null, [], warnings,
                $"no points for metric '{request.Metric}' in [{UnixTime.Format(request.FromUnixNanos)}, {UnixTime.Format(request.ToUnixNanos)})");
        }

        // A metric whose instrument changed type keeps its old points; the latest type is the one queried.
        var type = samples[^1].Type;
        var ofType = samples.Where(s => s.Type == type).ToList();
        if (ofType.Count < samples.Count)
        {
            warnings.Add($"{samples.Count - ofType.Count} points of '{request.Metric}' with another type than {MetricAggregation.Describe(type)} were left out");
        }
        if (request.Aggregation.Refusal(request.Metric, type, ofType.Any(IsLevelSum)) is { } refusal)
        {
            throw new MetricQueryException(refusal);
        }

        var steps = request.StepCount;
        var groups = new SortedDictionary<string, Group>(StringComparer.Ordinal);
        foreach (var (labels, points) in Series(ofType))
        {
            var groupLabels = GroupLabels(request, labels);
            var groupKey = JsonSerializer.Serialize(groupLabels);
            if (!groups.TryGetValue(groupKey, out var group))
            {
                groups[groupKey] = group = new Group(groupLabels, steps);
            }
            Accumulate(request, points, group);
        }

        var result = groups.Values.Select(g => new MetricSeriesValues(g.Labels, g.Values(request, type))).ToList();
        string? noData = null;
        if (result.All(s => s.Values.All(v => v is null)))
        {
            noData = $"{inRange} points of '{request.Metric}' in [{UnixTime.Format(request.FromUnixNanos)}, {UnixTime.Format(request.ToUnixNanos)}), " +
                "but none gives a value: " + WhyNoValue(request.Aggregation, type);
        }
        return new MetricQueryResult(type, result, warnings, noData);
    }

    private static string WhyNoValue(MetricAggregation aggregation, MetricType type) => (aggregation.Kind, type) switch
    {
        (MetricAggregationKind.Quantile, _) => "the histograms recorded no observations in any step",
        (MetricAggregationKind.Avg, not (MetricType.Gauge or MetricType.Sum)) => "no observations were recorded in any step",
        _ => "a cumulative series needs an earlier point (up to 5 minutes or one step before from) or a start time in range to give an increase",
    };

    /// <summary>A cumulative sum that can go down (an up-down counter): its values are levels, not running totals.</summary>
    private static bool IsLevelSum(MetricSample sample) =>
        sample.Type == MetricType.Sum && !sample.IsMonotonic && sample.Temporality != AggregationTemporality.Delta;

    private static SortedDictionary<string, string> GroupLabels(MetricQueryRequest request, SortedDictionary<string, string> labels)
    {
        if (request.By is null)
        {
            return request.Aggregation.Kind == MetricAggregationKind.Quantile ? new(StringComparer.Ordinal) : labels;
        }
        var grouped = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in request.By)
        {
            if (labels.TryGetValue(name, out var value))
            {
                grouped[name] = value;
            }
        }
        return grouped;
    }

    private static void Accumulate(MetricQueryRequest request, List<MetricSample> points, Group group)
    {
        var kind = request.Aggregation.Kind;
        var type = points[0].Type;
        if (type == MetricType.Gauge || IsLevelSum(points[0]))
        {
            // Levels: the sum of a step is each series' last value in it, summed over the group's series.
            var last = new double?[group.Steps.Length];
            foreach (var point in points)
            {
                if (StepOf(request, point.TimeUnixNanos) is { } step && point.Value is { } value)
                {
                    group.Steps[step].AddRaw(value);
                    last[step] = value;
                }
            }
            if (kind == MetricAggregationKind.Sum)
            {
                for (var i = 0; i < last.Length; i++)
                {
                    if (last[i] is { } value)
                    {
                        group.Steps[i].AddIncrement(value);
                    }
                }
            }
            return;
        }

        // Running totals (counters, histograms, summaries): work with increments.
        Observation? previous = null;
        var previousStart = 0L;
        foreach (var point in points)
        {
            var current = Observation.Of(point);
            Observation? increment;
            if (point.Temporality == AggregationTemporality.Delta)
            {
                increment = current;
            }
            else if (previous is not null)
            {
                increment = point.StartTimeUnixNanos == previousStart ? current.Minus(previous) : null;
                // A counter that went down, or a new start time: the series restarted, and all it has is new.
                increment ??= current;
            }
            else
            {
                // The first point read: new in full only if the series started after the read began.
                increment = point.StartTimeUnixNanos > 0 && point.StartTimeUnixNanos >= request.LoadFromUnixNanos ? current : null;
            }
            previous = current;
            previousStart = point.StartTimeUnixNanos;
            if (StepOf(request, point.TimeUnixNanos) is not { } step)
            {
                continue;
            }
            var accumulator = group.Steps[step];
            if (point.Value is { } raw)
            {
                accumulator.AddRaw(raw);
            }
            if (point.Max is { } max)
            {
                accumulator.AddMax(max);
            }
            if (increment is not null)
            {
                accumulator.Add(increment, type);
            }
        }
    }

    private static int? StepOf(MetricQueryRequest request, long unixNanos) =>
        unixNanos >= request.FromUnixNanos && unixNanos < request.ToUnixNanos ? (int)((unixNanos - request.FromUnixNanos) / request.StepNanos) : null;

    /// <summary>
    /// Points by series, in time order. A series is a label set, the producing instance included, so two instances
    /// of a service never interleave their running totals; the same attributes stored with their keys in another order
    /// are the same series.
    /// </summary>
    private static IEnumerable<(SortedDictionary<string, string> Labels, List<MetricSample> Points)> Series(List<MetricSample> samples)
    {
        var keys = new Dictionary<(string Service, string? Instance, string? Region, string Attributes), string>();
        var series = new Dictionary<string, (SortedDictionary<string, string> Labels, List<MetricSample> Points)>(StringComparer.Ordinal);
        foreach (var sample in samples)
        {
            if (!keys.TryGetValue((sample.ServiceName, sample.ServiceInstanceId, sample.CloudRegion, sample.AttributesJson), out var key))
            {
                var labels = Labels(sample);
                key = JsonSerializer.Serialize(labels);
                keys[(sample.ServiceName, sample.ServiceInstanceId, sample.CloudRegion, sample.AttributesJson)] = key;
                series.TryAdd(key, (labels, []));
            }
            series[key].Points.Add(sample);
        }
        return series.Values;
    }

    /// <summary>A point's labels: its attributes as text, and the resource's service.name, service.instance.id and cloud.region.</summary>
    public static SortedDictionary<string, string> Labels(MetricSample sample) =>
        Labels(sample.ServiceName, sample.ServiceInstanceId, sample.CloudRegion, sample.AttributesJson);

    public static SortedDictionary<string, string> Labels(MetricSeriesKey series) =>
        Labels(series.ServiceName, series.ServiceInstanceId, series.CloudRegion, series.AttributesJson);

    private static SortedDictionary<string, string> Labels(string serviceName, string? serviceInstanceId, string? cloudRegion, string attributesJson)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(attributesJson);
        foreach (var attribute in document.RootElement.EnumerateObject())
        {
            labels[attribute.Name] = PlainJson.Text(attribute.Value);
        }
        labels[MetricSampleQuery.ServiceNameLabel] = serviceName;
        if (serviceInstanceId is not null)
        {
            labels[MetricSampleQuery.ServiceInstanceLabel] = serviceInstanceId;
        }
        if (cloudRegion is not null)
        {
            labels[MetricSampleQuery.CloudRegionLabel] = cloudRegion;
        }
        return labels;
    }

    /// <summary>What a point of a running total says: a counter's value, or a distribution's count, sum and buckets.</summary>
    private sealed record Observation(double Value, double Count, double Sum, HistogramBuckets? Buckets)
    {
        public static Observation Of(MetricSample sample) => new(
            sample.Value ?? 0,
            sample.Count ?? 0,
            sample.Sum ?? 0,
            HistogramBuckets.Parse(sample.Type, sample.DataJson));

        /// <summary>This minus an earlier point; null when anything went down (a reset).</summary>
        public Observation? Minus(Observation earlier)
        {
            if (Value < earlier.Value || Count < earlier.Count)
            {
                return null;
            }
            HistogramBuckets? buckets = null;
            if (Buckets is not null)
            {
                if (earlier.Buckets is null || Buckets.Subtract(earlier.Buckets) is not { } difference)
                {
                    return null;
                }
                buckets = difference;
            }
            return new Observation(Value - earlier.Value, Count - earlier.Count, Sum - earlier.Sum, buckets);
        }
    }

    /// <summary>Everything one group gathers in one step.</summary>
    private sealed class StepAccumulator
    {
        private double _rawTotal;
        private long _rawCount;
        private double? _max;
        private double? _increment;
        private double _count;
        private double _sum;
        private List<HistogramBuckets>? _buckets;
        private bool _hasDistribution;

        public void AddRaw(double value)
        {
            _rawTotal += value;
            _rawCount++;
            _max = _max is { } max ? Math.Max(max, value) : value;
        }

        public void AddMax(double value) => _max = _max is { } max ? Math.Max(max, value) : value;

        public void AddIncrement(double value) => _increment = (_increment ?? 0) + value;

        public void Add(Observation increment, MetricType type)
        {
            if (type == MetricType.Sum)
            {
                AddIncrement(increment.Value);
                return;
            }
            _count += increment.Count;
            _sum += increment.Sum;
            _increment = (_increment ?? 0) + increment.Sum;
            if (increment.Buckets is not null)
            {
                (_buckets ??= []).Add(increment.Buckets);
            }
            _hasDistribution = true;
        }

        public double? Value(MetricAggregation aggregation, MetricType type, double stepSeconds) => aggregation.Kind switch
        {
            MetricAggregationKind.Sum => _increment,
            MetricAggregationKind.Max => _max,
            MetricAggregationKind.Avg when type is MetricType.Gauge or MetricType.Sum => _rawCount > 0 ? _rawTotal / _rawCount : null,
            MetricAggregationKind.Avg => _count > 0 ? _sum / _count : null,
            MetricAggregationKind.Rate when type == MetricType.Sum => _increment / stepSeconds,
            MetricAggregationKind.Rate => _hasDistribution ? _count / stepSeconds : null,
            MetricAggregationKind.Quantile => _buckets is null ? null : HistogramBuckets.Merge(_buckets)?.Quantile(aggregation.Quantile),
            _ => null,
        };
    }

    private sealed class Group(SortedDictionary<string, string> labels, int steps)
    {
        public SortedDictionary<string, string> Labels { get; } = labels;

        public StepAccumulator[] Steps { get; } = Enumerable.Range(0, steps).Select(_ => new StepAccumulator()).ToArray();

        public double?[] Values(MetricQueryRequest request, MetricType type)
        {
            var stepSeconds = request.StepNanos / 1e9;
            return Steps.Select(step => step.Value(request.Aggregation, type, stepSeconds)).ToArray();
        }
    }
}

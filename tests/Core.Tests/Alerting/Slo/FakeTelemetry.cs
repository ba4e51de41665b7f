using System.Text.Json;
using Observability.Core.Kpis;
using Observability.Core.Roadmap;
using Observability.Core.Rollups;
using Observability.Core.Sketches;
using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Core.Tests.Alerting.Slo;

/// <summary>
/// Span rollups held in memory as 10-second rows, answered per query the way the stores answer them: rows whose bucket
/// starts in [From, To), of the service and kinds asked, service-wide rows unless an operation is asked. Every span
/// added lands in a service-wide row and in its operation's row, as the ingest writer keeps them.
/// </summary>
internal sealed class FakeSpanRollups : ISpanRollupReader
{
    private readonly Dictionary<(long Bucket, SpanRollupKey Key), SpanRollup> _rows = [];

    /// <summary>How many queries were answered: a rule evaluation must read rollups, not spans.</summary>
    public int Queries { get; private set; }

    /// <summary>Adds <paramref name="count"/> spans of <paramref name="durationMilliseconds"/> each, <paramref name="errors"/> of them in error.</summary>
    public FakeSpanRollups Add(
        string service, DateTimeOffset at, long count, long errors = 0, double durationMilliseconds = 10, string operation = "GET /", SpanKind kind = SpanKind.Server)
    {
        var bucket = SpanRollupResolutions.TenSeconds.BucketOf(UnixTime.Nanos(at));
        foreach (var op in new[] { null, operation })
        {
            // The rollups key rows by status too; the errors go in a row of their own, as the ingest writer puts them.
            AddRow(bucket, new SpanRollupKey(service, op, kind, SpanStatusCode.Unset), count - errors, 0, durationMilliseconds);
            AddRow(bucket, new SpanRollupKey(service, op, kind, SpanStatusCode.Error), errors, errors, durationMilliseconds);
        }
        return this;
    }

    /// <summary>One span for each duration given, all in one bucket.</summary>
    public FakeSpanRollups AddDurations(string service, DateTimeOffset at, IEnumerable<double> durationsMilliseconds, string operation = "GET /")
    {
        foreach (var duration in durationsMilliseconds)
        {
            Add(service, at, 1, 0, duration, operation);
        }
        return this;
    }

    private void AddRow(long bucket, SpanRollupKey key, long requests, long errors, double durationMilliseconds)
    {
        if (requests <= 0)
        {
            return;
        }
        var sketch = new LatencySketch(maxScale: SpanRollup.SketchMaxScale);
        sketch.Add(durationMilliseconds, requests);
        var row = new SpanRollup(bucket, key, requests, errors, sketch);
        if (_rows.TryGetValue((bucket, key), out var existing))
        {
            existing.Merge(row);
        }
        else
        {
            _rows[(bucket, key)] = row;
        }
    }

    public Task<IReadOnlyList<SpanRollup>> GetSpanRollupsAsync(SpanRollupQuery query, CancellationToken cancellationToken)
    {
        Queries++;
        IReadOnlyList<SpanRollup> rows = [.. _rows.Values
            .Where(row => row.BucketStartUnixNanos >= query.FromUnixNanos && row.BucketStartUnixNanos < query.ToUnixNanos)
            .Where(row => query.ServiceName is null || row.Key.ServiceName == query.ServiceName)
            .Where(row => row.Key.Operation == query.Operation)
            .Where(row => query.Kinds is null || query.Kinds.Contains(row.Key.Kind))
            .OrderBy(row => row.BucketStartUnixNanos)];
        return Task.FromResult(rows);
    }
}

/// <summary>Metric points held in memory, answered as the stores answer <see cref="ITelemetryReader.GetMetricSamplesAsync"/>.</summary>
internal sealed class FakeMetrics : ITelemetryReader
{
    private readonly List<(string Metric, MetricSample Sample)> _samples = [];

    /// <summary>A delta counter point: <paramref name="increase"/> events in the 10 seconds before <paramref name="at"/>.</summary>
    public FakeMetrics Counter(string metric, string service, DateTimeOffset at, double increase, params (string Key, string Value)[] attributes)
    {
        var time = UnixTime.Nanos(at);
        _samples.Add((metric, new MetricSample
        {
            ServiceName = service,
            AttributesJson = JsonSerializer.Serialize(attributes.ToDictionary(a => a.Key, a => a.Value)),
            Type = MetricType.Sum,
            Temporality = AggregationTemporality.Delta,
            IsMonotonic = true,
            StartTimeUnixNanos = time - 10_000_000_000,
            TimeUnixNanos = time,
            Value = increase,
        }));
        return this;
    }

    public FakeMetrics Gauge(string metric, string service, DateTimeOffset at, double value, params (string Key, string Value)[] attributes)
    {
        _samples.Add((metric, new MetricSample
        {
            ServiceName = service,
            AttributesJson = JsonSerializer.Serialize(attributes.ToDictionary(a => a.Key, a => a.Value)),
            Type = MetricType.Gauge,
            TimeUnixNanos = UnixTime.Nanos(at),
            Value = value,
        }));
        return this;
    }

    /// <summary>When set, reading points fails with it, as a store that cannot be reached.</summary>
    public Exception? Failure { get; set; }

    public Task<IReadOnlyList<MetricSample>> GetMetricSamplesAsync(MetricSampleQuery query, CancellationToken cancellationToken)
    {
        if (Failure is not null)
        {
            throw Failure;
        }
        IReadOnlyList<MetricSample> samples = [.. _samples
            .Where(s => s.Metric == query.MetricName)
            .Select(s => s.Sample)
            .Where(s => s.TimeUnixNanos >= query.FromUnixNanos && s.TimeUnixNanos < query.ToUnixNanos)
            .Where(s => query.Matchers.All(m => m.Key == MetricSampleQuery.ServiceNameLabel
                ? s.ServiceName == m.Value
                : JsonSerializer.Deserialize<Dictionary<string, string>>(s.AttributesJson)!.TryGetValue(m.Key, out var v) && v == m.Value))
            .OrderBy(s => s.TimeUnixNanos)
            .Take(query.Limit)];
        return Task.FromResult(samples);
    }

    public Task<IReadOnlyList<MetricDescriptor>> GetMetricDescriptorsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MetricDescriptor>>([]);

    public Task<IReadOnlyList<string>> GetServicesAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<SpanOperation>> GetOperationsAsync(string serviceName, SpanKind? kind, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<byte[]>> FindTraceIdsAsync(TraceSearch search, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<SpanRecord>> GetTracesAsync(IReadOnlyCollection<byte[]> traceIds, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<LogRecord>> SearchLogsAsync(LogSearch search, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<MetricSeriesKey>> GetMetricSeriesAsync(string metricName, long fromUnixNanos, long toUnixNanos, int limit, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}

/// <summary>The shipped roadmap and a KPI calculator over fake telemetry, for rule tests.</summary>
internal static class AlertingFixtures
{
    public static readonly RoadmapDefinition Roadmap = RoadmapLoader.Load(Path.Combine(AppContext.BaseDirectory, "roadmap.yaml"));

    public static KpiCalculator Kpis(ITelemetryReader telemetry, ISpanRollupReader rollups) =>
        new(telemetry, rollups, new NoIncidentHistory(), new NoBaselines(), new CostModel(new CostOptions(), Roadmap), new KpiOptions());

    private sealed class NoBaselines : IKpiBaselines
    {
        public Task<KpiBaseline?> GetAsync(string kpiId, CancellationToken cancellationToken) => Task.FromResult<KpiBaseline?>(null);
    }
}

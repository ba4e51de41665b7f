using Observability.Core.Metrics;
using Observability.Core.Query;
using Observability.Core.Rollups;
using Observability.Core.Telemetry;
using Observability.Dashboard.Telemetry;

namespace Observability.Dashboard.Tests.Telemetry;

/// <summary>Fixed figures for the Services and Metrics pages: three services, two calls between them, a counter and a histogram.</summary>
internal static class TelemetryData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);

    public static RedPoint Red(long requests, long errors, double windowSeconds, double? p99, DateTimeOffset? at = null) => new(
        (at ?? Now.AddMinutes(-15)).UtcDateTime, requests, errors, requests / windowSeconds,
        requests == 0 ? null : (double)errors / requests, p99 / 4, p99 / 2, p99 * 0.9, p99);

    public static DependencyGraph Graph(string? sampled = null) => new(
        Now.AddMinutes(-15), Now,
        ["backend", "frontend", "payments"],
        [new DependencyEdge("backend", "payments", 40, 0), new DependencyEdge("frontend", "backend", 900, 12)],
        120, 2_400, sampled);

    public static ServicesSnapshot Snapshot(TimeSpan range, string? selected, double frontendP99 = 412) => new(
        Now - range, Now,
        [
            new ServiceRed("frontend", Red(900, 12, range.TotalSeconds, frontendP99)),
            new ServiceRed("backend", Red(900, 0, range.TotalSeconds, 80)),
            new ServiceRed("payments", Red(40, 0, range.TotalSeconds, null) with { P50Ms = null, P90Ms = null, P95Ms = null }),
        ],
        Graph(),
        selected is null ? null : Detail(selected, range));

    public static ServiceDetail Detail(string service, TimeSpan range) => new(
        service,
        [
            new OperationRed("GET /orders/{id}", Red(600, 12, range.TotalSeconds, 450)),
            new OperationRed("POST /orders", Red(300, 0, range.TotalSeconds, 120)),
        ],
        [.. Enumerable.Range(0, 3).Select(i => Red(300, i, 300, 400 + i, Now.AddMinutes(-15 + 5 * i)))],
        TimeSpan.FromMinutes(5));

    public static ServicesSnapshot Empty(TimeSpan range) => new(
        Now - range, Now, [], new DependencyGraph(Now - range, Now, [], [], 0, 0, null), null);

    public static readonly MetricDescriptor Counter = new("orders.placed", MetricType.Sum, "{order}", "Orders placed");

    public static readonly MetricDescriptor Histogram = new("http.server.request.duration", MetricType.Histogram, "s", "Duration of HTTP server requests");

    public static MetricSeriesList Series() => new(
        [
            new SortedDictionary<string, string>(StringComparer.Ordinal) { ["region"] = "eu", ["service.name"] = "frontend" },
            new SortedDictionary<string, string>(StringComparer.Ordinal) { ["region"] = "us", ["service.name"] = "frontend" },
        ],
        Truncated: false);

    public static MetricQueryAnswer Answer(string metric, MetricAggregation aggregation, IReadOnlyList<string>? by, TimeSpan range, double last)
    {
        var to = (Now - DateTimeOffset.UnixEpoch).Ticks * 100;
        var from = to - range.Ticks * 100;
        var request = new MetricQueryRequest(metric, from, to, MetricQueryService.DefaultStep(to - from), aggregation, by);
        var labels = by is null
            ? new SortedDictionary<string, string>(StringComparer.Ordinal) { ["region"] = "eu", ["service.name"] = "frontend" }
            : new SortedDictionary<string, string>(StringComparer.Ordinal);
        var values = new double?[request.StepCount];
        values[^2] = last - 1;
        values[^1] = last;
        return new MetricQueryAnswer(request, new MetricQueryResult(MetricType.Sum, [new MetricSeriesValues(labels, values)], [], null), UnknownMetric: false);
    }
}

/// <summary>A services source that returns what the test says and records what it was asked.</summary>
internal sealed class FakeServicesSource(Func<int, TimeSpan, string?, ServicesSnapshot> next) : IServicesSource
{
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    public List<(TimeSpan Range, string? Service)> Asked { get; } = [];

    public Task<ServicesSnapshot> ReadAsync(TimeSpan range, string? service, CancellationToken cancellationToken)
    {
        lock (Asked)
        {
            Asked.Add((range, service));
        }
        return Task.FromResult(next(Interlocked.Increment(ref _reads), range, service));
    }
}

/// <summary>A metrics source over fixed metrics; a query parses its aggregation as the real one does.</summary>
internal sealed class FakeMetricsSource(IReadOnlyList<MetricDescriptor> metrics) : IMetricsSource
{
    private int _queries;

    public int Queries => Volatile.Read(ref _queries);

    public List<(string Metric, string Aggregation, IReadOnlyList<string>? By)> Asked { get; } = [];

    public Task<IReadOnlyList<MetricDescriptor>> MetricsAsync(CancellationToken cancellationToken) => Task.FromResult(metrics);

    public Task<MetricSeriesList> SeriesAsync(string metric, TimeSpan range, CancellationToken cancellationToken) => Task.FromResult(TelemetryData.Series());

    public Task<MetricQueryAnswer> QueryAsync(string metric, string aggregation, IReadOnlyList<string>? by, TimeSpan range, CancellationToken cancellationToken)
    {
        var parsed = MetricAggregation.Parse(aggregation);
        lock (Asked)
        {
            Asked.Add((metric, aggregation, by));
        }
        var query = Interlocked.Increment(ref _queries);
        return Task.FromResult(TelemetryData.Answer(metric, parsed, by, range, last: 10 + query));
    }
}

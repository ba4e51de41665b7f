using Observability.Core.Metrics;
using Observability.Core.Telemetry;

namespace Observability.Dashboard.Telemetry;

/// <summary>Reads the Metrics page's data; the page depends on this alone, so its tests can feed it fixed data.</summary>
public interface IMetricsSource
{
    Task<IReadOnlyList<MetricDescriptor>> MetricsAsync(CancellationToken cancellationToken);

    /// <summary>The label sets of a metric with points in the window [now - range, now).</summary>
    Task<MetricSeriesList> SeriesAsync(string metric, TimeSpan range, CancellationToken cancellationToken);

    /// <summary>
    /// Aggregates a metric per step over [now - range, now), grouped by the <paramref name="by"/> labels (null: each
    /// series apart, or all merged for a quantile; empty: all merged). Throws <see cref="MetricQueryException"/> with a message naming what to change when the query cannot run.
    /// </summary>
    Task<MetricQueryAnswer> QueryAsync(string metric, string aggregation, IReadOnlyList<string>? by, TimeSpan range, CancellationToken cancellationToken);
}

/// <summary>The Metrics page's data through <see cref="MetricQueryService"/>, the class behind GET /api/metrics*.</summary>
internal sealed class MetricsSource(MetricQueryService metrics, TimeProvider time) : IMetricsSource
{
    public Task<IReadOnlyList<MetricDescriptor>> MetricsAsync(CancellationToken cancellationToken) => metrics.MetricsAsync(cancellationToken);

    public Task<MetricSeriesList> SeriesAsync(string metric, TimeSpan range, CancellationToken cancellationToken)
    {
        var (from, to) = Window(range);
        return metrics.SeriesAsync(metric, from, to, cancellationToken);
    }

    public Task<MetricQueryAnswer> QueryAsync(string metric, string aggregation, IReadOnlyList<string>? by, TimeSpan range, CancellationToken cancellationToken)
    {
        var (from, to) = Window(range);
        var request = new MetricQueryRequest(
            metric, from, to, MetricQueryService.DefaultStep(to - from), MetricAggregation.Parse(aggregation.Trim()), by);
        return metrics.QueryAsync(request, [], cancellationToken);
    }

    private (long From, long To) Window(TimeSpan range)
    {
        var to = (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        return (to - range.Ticks * 100, to);
    }
}

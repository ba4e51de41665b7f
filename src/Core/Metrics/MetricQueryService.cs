using System.Text.Json;
using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Core.Metrics;

/// <summary>The answer to a metric query: the request as run, its per-step series, and whether the metric is known at all.</summary>
/// <param name="UnknownMetric">True when no point of a metric by that name has ever been received.</param>
public sealed record MetricQueryAnswer(MetricQueryRequest Request, MetricQueryResult Result, bool UnknownMetric);

/// <summary>A metric's label sets in a window, at most <see cref="MetricQueryService.MaxSeries"/>.</summary>
public sealed record MetricSeriesList(IReadOnlyList<SortedDictionary<string, string>> Series, bool Truncated);

/// <summary>
/// Metric browsing and queries over the stored points, shared by GET /api/metrics* and the Dashboard's Metrics page:
/// bounded reads, default steps, and the aggregation of <see cref="MetricQueryEngine"/>.
/// </summary>
public sealed class MetricQueryService(ITelemetryReader reader)
{
    public const int MaxSeries = 10_000;
    public const int MaxSamples = 200_000;
    public const int MaxSteps = 11_000;
    public const int DefaultMaxSteps = 300;

    /// <summary>Steps a default is chosen from: the first that gives at most <see cref="DefaultMaxSteps"/> steps.</summary>
    private static readonly TimeSpan[] NiceSteps =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15),
        TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(3),
        TimeSpan.FromHours(6), TimeSpan.FromHours(12), TimeSpan.FromDays(1),
    ];

    public Task<IReadOnlyList<MetricDescriptor>> MetricsAsync(CancellationToken cancellationToken) =>
        reader.GetMetricDescriptorsAsync(cancellationToken);

    /// <summary>The distinct label sets of a metric with points in [from, to), ordered by their JSON form.</summary>
    public async Task<MetricSeriesList> SeriesAsync(string name, long fromUnixNanos, long toUnixNanos, CancellationToken cancellationToken)
    {
        var keys = await reader.GetMetricSeriesAsync(name, fromUnixNanos, toUnixNanos, MaxSeries + 1, cancellationToken);
        var series = keys.Take(MaxSeries)
            .Select(MetricQueryEngine.Labels)
            .DistinctBy(labels => JsonSerializer.Serialize(labels))
            .OrderBy(labels => JsonSerializer.Serialize(labels), StringComparer.Ordinal)
            .ToList();
        return new MetricSeriesList(series, keys.Count > MaxSeries);
    }

    /// <summary>
    /// Runs a query over the points matching every matcher. Throws <see cref="MetricQueryException"/> when the
    /// aggregation does not fit the metric or more than <see cref="MaxSamples"/> points would be read.
    /// </summary>
    public async Task<MetricQueryAnswer> QueryAsync(
        MetricQueryRequest request, IReadOnlyList<KeyValuePair<string, string>> matchers, CancellationToken cancellationToken)
    {
        var samples = await reader.GetMetricSamplesAsync(new MetricSampleQuery
        {
            MetricName = request.Metric,
            FromUnixNanos = request.LoadFromUnixNanos,
            ToUnixNanos = request.ToUnixNanos,
            Matchers = matchers,
            Limit = MaxSamples + 1,
        }, cancellationToken);
        if (samples.Count > MaxSamples)
        {
            throw new MetricQueryException(
                $"metric '{request.Metric}' has more than {MaxSamples} points from {UnixTime.Format(request.LoadFromUnixNanos)} to to; narrow from and to, or add match[label]=value filters");
        }
        var result = MetricQueryEngine.Run(request, samples);
        var unknown = samples.Count == 0 && !(await reader.GetMetricDescriptorsAsync(cancellationToken)).Any(d => d.Name == request.Metric);
        return new MetricQueryAnswer(request, result, unknown);
    }

    /// <summary>The first nice step that gives at most 300 steps; whole days beyond that.</summary>
    public static long DefaultStep(long rangeNanos)
    {
        foreach (var step in NiceSteps)
        {
            var nanos = step.Ticks * 100;
            if ((rangeNanos + nanos - 1) / nanos <= DefaultMaxSteps)
            {
                return nanos;
            }
        }
        var day = TimeSpan.FromDays(1).Ticks * 100;
        var days = (rangeNanos + day * DefaultMaxSteps - 1) / (day * DefaultMaxSteps);
        return days * day;
    }
}

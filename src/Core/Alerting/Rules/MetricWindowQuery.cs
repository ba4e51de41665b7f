using Observability.Core.Kpis;
using Observability.Core.Metrics;
using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Core.Alerting.Rules;

/// <summary>A metric aggregated over one window as a single step, through <see cref="MetricQueryEngine"/>: one value per group, or why none.</summary>
internal static class MetricWindowQuery
{
    public static async Task<(IReadOnlyList<MetricSeriesValues> Series, string? NoData)> RunAsync(
        ITelemetryReader telemetry, string metric, string aggregation, IReadOnlyDictionary<string, string> match, IReadOnlyList<string> by,
        DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var fromNanos = UnixTime.Nanos(from);
        var toNanos = UnixTime.Nanos(to);
        var describe = $"{metric} {new KpiWindow(from, to).Describe()}";
        try
        {
            var request = new MetricQueryRequest(metric, fromNanos, toNanos, toNanos - fromNanos, MetricAggregation.Parse(aggregation), by);
            var samples = await telemetry.GetMetricSamplesAsync(new MetricSampleQuery
            {
                MetricName = metric,
                FromUnixNanos = request.LoadFromUnixNanos,
                ToUnixNanos = toNanos,
                Matchers = [.. match],
                Limit = KpiCalculator.MaxSamples + 1,
            }, cancellationToken);
            if (samples.Count > KpiCalculator.MaxSamples)
            {
                return ([], $"more than {KpiCalculator.MaxSamples:N0} points of {describe}: use a shorter window or a narrower match");
            }
            var result = MetricQueryEngine.Run(request, samples);
            return result.NoData is { } noData ? ([], noData) : (result.Series, null);
        }
        catch (MetricQueryException error)
        {
            return ([], error.Message);
        }
    }
}

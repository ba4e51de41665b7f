using System.Globalization;
using System.Text.RegularExpressions;
using Observability.Core.Telemetry;

namespace Observability.Core.Metrics;

public enum MetricAggregationKind
{
    Sum,
    Avg,
    Max,
    Rate,
    Quantile,
}

/// <summary>An <c>agg</c> parameter: sum, avg, max, rate, or a quantile written pNN or pNN.N (p50, p95, p99.9).</summary>
public sealed partial record MetricAggregation(MetricAggregationKind Kind, double Quantile = 0)
{
    public string Name => Kind == MetricAggregationKind.Quantile
        ? "p" + (Quantile * 100).ToString("0.###", CultureInfo.InvariantCulture)
        : Kind.ToString().ToLowerInvariant();

    public static MetricAggregation Parse(string text)
    {
        switch (text)
        {
            case "sum":
                return new(MetricAggregationKind.Sum);
            case "avg":
                return new(MetricAggregationKind.Avg);
            case "max":
                return new(MetricAggregationKind.Max);
            case "rate":
                return new(MetricAggregationKind.Rate);
        }
        if (QuantileName().Match(text) is { Success: true } match
            && double.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture) is var percent and <= 100)
        {
            return new(MetricAggregationKind.Quantile, percent / 100);
        }
        throw new MetricQueryException($"agg '{text}' is not an aggregation; use sum, avg, max, rate, or a quantile such as p50, p95, p99.9");
    }

    /// <summary>Why this aggregation cannot apply to the metric; null when it can.</summary>
    public string? Refusal(string metric, MetricType type, bool anyCumulativeNonMonotonicSum)
    {
        var what = $"'{metric}' is {Describe(type)}";
        return (Kind, type) switch
        {
            (MetricAggregationKind.Quantile, MetricType.Histogram or MetricType.ExponentialHistogram) => null,
            (MetricAggregationKind.Quantile, _) => $"agg '{Name}' needs a histogram; {what}: use sum, avg or max{(type == MetricType.Gauge ? "" : ", or rate")}",
            (MetricAggregationKind.Rate, MetricType.Gauge) => $"agg 'rate' needs a counter or histogram; {what}: use avg, max or sum",
            (MetricAggregationKind.Rate, MetricType.Sum) when anyCumulativeNonMonotonicSum =>
                $"agg 'rate' needs a monotonic sum; {what} that can go down (an up-down counter): use avg, max or sum",
            (MetricAggregationKind.Max, MetricType.Summary) => $"agg 'max' is not available; {what}, which carries no maximum: use avg, sum or rate",
            _ => null,
        };
    }

    internal static string Describe(MetricType type) => type switch
    {
        MetricType.Gauge => "a gauge",
        MetricType.Sum => "a sum",
        MetricType.Histogram => "a histogram",
        MetricType.ExponentialHistogram => "an exponential histogram",
        MetricType.Summary => "a summary",
        _ => "of an unknown type",
    };

    [GeneratedRegex(@"^p(\d{1,3}(?:\.\d+)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex QuantileName();
}

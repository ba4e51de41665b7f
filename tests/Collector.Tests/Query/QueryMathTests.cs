using Observability.Core.Telemetry;
using Observability.Core.Metrics;
using Observability.Collector.Query;
using Observability.Collector.Query.Jaeger;
using Observability.Collector.Query.Metrics;

namespace Observability.Collector.Tests.Query;

/// <summary>The query API's arithmetic and parsing on its own: quantiles against hand-worked and brute-force answers.</summary>
public sealed class QueryMathTests
{
    [Theory]
    // Buckets (-Inf,10] (10,50] (50,100] (100,500] (500,+Inf] with 10, 50, 90, 45, 5.
    [InlineData(0.95, 100 + 400 * 40 / 45.0)]
    [InlineData(0.50, 50 + 50 * 40 / 90.0)]
    [InlineData(0.99, 500)]
    [InlineData(1.00, 500)]
    // Rank 2 of 200 in the first bucket: its lower bound is taken as 0, as Prometheus does.
    [InlineData(0.01, 10 * 2 / 10.0)]
    [InlineData(0.05, 10)]
    public void Explicit_bucket_quantiles_interpolate_as_prometheus_does(double q, double expected)
    {
        var buckets = new ExplicitBuckets([10, 50, 100, 500], [10, 50, 90, 45, 5]);

        Assert.Equal(expected, buckets.Quantile(q)!.Value, 9);
    }

    [Fact]
    public void Explicit_bucket_edge_cases_follow_prometheus()
    {
        Assert.Null(new ExplicitBuckets([10], [0, 0]).Quantile(0.5));
        Assert.Null(new ExplicitBuckets([], [5]).Quantile(0.5));
        Assert.Equal(-5, new ExplicitBuckets([-5, 0], [4, 4, 0]).Quantile(0.25));
        Assert.Equal(-2.5, new ExplicitBuckets([-5, 0], [4, 4, 0]).Quantile(0.75));
    }

    [Fact]
    public void Explicit_bucket_quantiles_are_within_a_bucket_of_the_sorted_observations()
    {
        var random = new Random(7);
        double[] bounds = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
        var values = Enumerable.Range(0, 5000).Select(_ => Math.Exp(random.NextDouble() * Math.Log(900))).ToArray();
        var counts = new double[bounds.Length + 1];
        foreach (var value in values)
        {
            counts[Array.FindIndex(bounds, b => value <= b) is var i and >= 0 ? i : bounds.Length]++;
        }
        var buckets = new ExplicitBuckets(bounds, counts);
        Array.Sort(values);

        foreach (var q in new[] { 0.1, 0.5, 0.9, 0.95, 0.99 })
        {
            var exact = values[(int)Math.Ceiling(q * values.Length) - 1];
            var bucket = Array.FindIndex(bounds, b => exact <= b);
            var width = bounds[bucket] - (bucket == 0 ? 0 : bounds[bucket - 1]);
            Assert.InRange(buckets.Quantile(q)!.Value, exact - width, exact + width);
        }
    }

    [Fact]
    public void Histograms_with_different_bounds_merge_by_spreading_counts_over_the_union()
    {
        var merged = (ExplicitBuckets)HistogramBuckets.Merge([new ExplicitBuckets([10, 20], [1, 4, 0]), new ExplicitBuckets([15], [2, 3])])!;

        Assert.Equal([10, 15, 20], merged.Bounds);
        // (10,20] splits its 4 in half at 15; (-Inf,15] keeps its 2 next to 15; (15,+Inf] its 3 next to 15.
        Assert.Equal([1, 2 + 2, 2 + 3, 0], merged.Counts);
        Assert.Equal(10, merged.TotalCount);
    }

    [Fact]
    public void Cumulative_buckets_difference_and_a_drop_is_a_reset()
    {
        var earlier = new ExplicitBuckets([10], [1, 2]);
        var later = new ExplicitBuckets([10], [4, 2]);

        Assert.Equal([3, 0], ((ExplicitBuckets)later.Subtract(earlier)!).Counts);
        Assert.Null(earlier.Subtract(later));
        Assert.Null(later.Subtract(new ExplicitBuckets([20], [1, 1])));
    }

    [Fact]
    public void Exponential_quantiles_interpolate_on_a_log_scale_across_negative_zero_and_positive_buckets()
    {
        // Scale 0, base 2: positive (1,2] and (2,4]; negative [-4,-2); the zero bucket [-0.5, 0.5].
        var buckets = new ExponentialBuckets(0, 2, 0.5, new() { [0] = 2, [1] = 2 }, new() { [1] = 2 });

        // 8 observations: 2 negative, 2 in the zero bucket, 4 positive.
        Assert.Equal(-4, buckets.Quantile(0)!.Value, 9);
        Assert.Equal(-2 * Math.Sqrt(2), buckets.Quantile(1 / 8.0)!.Value, 9);
        Assert.Equal(0, buckets.Quantile(3 / 8.0)!.Value, 9);
        Assert.Equal(2, buckets.Quantile(6 / 8.0)!.Value, 9);
        Assert.Equal(2 * Math.Sqrt(2), buckets.Quantile(7 / 8.0)!.Value, 9);
        Assert.Equal(4, buckets.Quantile(1)!.Value, 9);
    }

    [Fact]
    public void Exponential_quantiles_are_within_the_relative_error_of_the_scale()
    {
        var random = new Random(11);
        const int scale = 3;
        var gamma = Math.Pow(2, Math.Pow(2, -scale));
        var values = Enumerable.Range(0, 5000).Select(_ => Math.Exp(random.NextDouble() * 8)).ToArray();
        var positive = new Dictionary<int, double>();
        foreach (var value in values)
        {
            var index = (int)Math.Ceiling(Math.Log(value, gamma)) - 1;
            positive[index] = positive.GetValueOrDefault(index) + 1;
        }
        var buckets = new ExponentialBuckets(scale, 0, 0, positive, []);
        Array.Sort(values);

        foreach (var q in new[] { 0.5, 0.9, 0.99 })
        {
            var exact = values[(int)Math.Ceiling(q * values.Length) - 1];
            Assert.InRange(buckets.Quantile(q)!.Value, exact / gamma, exact * gamma);
        }
    }

    [Fact]
    public void Exponential_buckets_merge_and_difference_at_the_coarser_scale()
    {
        var fine = new ExponentialBuckets(1, 0, 0, new() { [0] = 1, [1] = 2, [2] = 3 }, []);
        var coarse = fine.DownscaleTo(0);
        Assert.Equal(new Dictionary<int, double> { [0] = 3, [1] = 3 }, coarse.Positive);

        var later = new ExponentialBuckets(0, 1, 0, new() { [0] = 5, [1] = 3 }, []);
        var increment = (ExponentialBuckets)later.Subtract(new ExponentialBuckets(1, 0, 0, new() { [0] = 1, [1] = 2, [2] = 3 }, []))!;
        Assert.Equal(0, increment.Scale);
        Assert.Equal(new Dictionary<int, double> { [0] = 2 }, increment.Positive);
        Assert.Equal(1, increment.ZeroCount);

        var merged = (ExponentialBuckets)HistogramBuckets.Merge([fine, later])!;
        Assert.Equal(0, merged.Scale);
        Assert.Equal(new Dictionary<int, double> { [0] = 8, [1] = 6 }, merged.Positive);
    }

    [Theory]
    [InlineData("300ms", 300_000_000)]
    [InlineData("1.2s", 1_200_000_000)]
    [InlineData("5us", 5_000)]
    [InlineData("5µs", 5_000)]
    [InlineData("2m", 120_000_000_000)]
    [InlineData("1h30m", 5_400_000_000_000)]
    [InlineData(".5s", 500_000_000)]
    [InlineData("0", 0)]
    [InlineData("250ns", 250)]
    public void Jaeger_durations_parse(string text, long nanos)
    {
        Assert.True(GoDuration.TryParseNanos(text, out var parsed));
        Assert.Equal(nanos, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12 parsecs")]
    [InlineData("-1s")]
    [InlineData("5")]
    [InlineData("1.2.3s")]
    [InlineData("s")]
    [InlineData("3000000h")]
    [InlineData("1d")]
    public void Bad_jaeger_durations_do_not_parse(string text) => Assert.False(GoDuration.TryParseNanos(text, out _));

    [Theory]
    [InlineData(15_000_000_000, "15s")]
    [InlineData(90_000_000_000, "1m30s")]
    [InlineData(3_600_000_000_000, "1h")]
    [InlineData(500_000_000, "500ms")]
    public void Durations_format_as_go_does(long nanos, string text) => Assert.Equal(text, GoDuration.Format(nanos));

    [Theory]
    [InlineData("2026-11-20T12:00:00Z", 1795176000000000000)]
    [InlineData("2026-11-20T13:00:00+01:00", 1795176000000000000)]
    [InlineData("2026-11-20T12:00:00.123456789Z", 1795176000123456789)]
    [InlineData("2026-11-20t12:00:00.5z", 1795176000500000000)]
    [InlineData("1795176000000", 1795176000000000000)]
    [InlineData("0", 0)]
    // Other forms that /api/red takes too.
    [InlineData("2026-11-20", 1795132800000000000)]
    [InlineData("2026-11-20 12:00:00", 1795176000000000000)]
    public void Times_are_rfc3339_or_unix_milliseconds(string text, long unixNanos)
    {
        Assert.Equal(unixNanos, QueryArguments.ParseTime("from", text));
        if (text.EndsWith('Z') && !text.Contains('+'))
        {
            Assert.Equal(text, UnixTime.Format(unixNanos));
        }
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-11-31T00:00:00Z")]
    [InlineData("99999999999999999999")]
    public void Other_times_are_refused_naming_the_parameter(string text) =>
        Assert.StartsWith("from '", Assert.Throws<QueryParameterException>(() => QueryArguments.ParseTime("from", text)).Message);

    [Theory]
    [InlineData("p95", MetricAggregationKind.Quantile, 0.95, "p95")]
    [InlineData("p99.9", MetricAggregationKind.Quantile, 0.999, "p99.9")]
    [InlineData("p50", MetricAggregationKind.Quantile, 0.5, "p50")]
    [InlineData("rate", MetricAggregationKind.Rate, 0, "rate")]
    public void Aggregations_parse(string text, MetricAggregationKind kind, double quantile, string name)
    {
        var aggregation = MetricAggregation.Parse(text);
        Assert.Equal(kind, aggregation.Kind);
        Assert.Equal(quantile, aggregation.Quantile, 9);
        Assert.Equal(name, aggregation.Name);
    }

    [Theory]
    [InlineData(3_600_000_000_000, 15_000_000_000)]
    [InlineData(300_000_000_000, 1_000_000_000)]
    [InlineData(86_400_000_000_000, 300_000_000_000)]
    [InlineData(30L * 86_400_000_000_000, 10_800_000_000_000)]
    [InlineData(365L * 86_400_000_000_000, 2 * 86_400_000_000_000)]
    public void The_default_step_gives_at_most_300_steps(long rangeNanos, long stepNanos) =>
        Assert.Equal(stepNanos, MetricsEndpoints.DefaultStep(rangeNanos));
}

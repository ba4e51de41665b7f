using System.Globalization;
using Observability.Core.Sketches;
using Xunit.Abstractions;

namespace Observability.Core.Tests.Sketches;

/// <summary>OTLP histogram points merged into the sketch, against references built from the same bucket boundaries.</summary>
public sealed class LatencySketchHistogramTests(ITestOutputHelper output)
{
    [Fact]
    public void A_hand_built_scale_3_point_gives_the_quantiles_of_its_own_buckets()
    {
        // Scale 3, base 2^(1/8): buckets 8..11 are (2^(8/8), 2^(9/8)], ..., (2^(11/8), 2^(12/8)], i.e. 2 to 2.83.
        ulong[] counts = [10, 20, 30, 40];
        var sketch = new LatencySketch();
        sketch.MergeExponentialHistogram(scale: 3, zeroCount: 0, zeroThreshold: 0, positiveOffset: 8, positiveBucketCounts: counts,
            negativeOffset: 0, negativeBucketCounts: [], count: 100, sum: 250, min: 2.01, max: 2.8);

        Assert.Equal(3, sketch.Scale);
        Assert.Equal(100, sketch.Count);
        Assert.Equal(250, sketch.Sum);
        Assert.False(sketch.SumIsEstimated);
        foreach (var q in SketchSamples.Grid())
        {
            // The reference: walk the same counts, then take the harmonic mean of that bucket's bounds.
            var rank = Math.Clamp((long)Math.Ceiling(q * 100) - 1, 0, 99);
            var bucket = 0;
            for (var seen = (long)counts[0]; seen <= rank; seen += (long)counts[++bucket])
            {
            }
            var lower = Math.Pow(2, (8 + bucket) / 8.0);
            var upper = Math.Pow(2, (9 + bucket) / 8.0);
            var expected = rank == 0 ? 2.01 : rank == 99 ? 2.8 : Math.Clamp(2 * lower * upper / (lower + upper), 2.01, 2.8);

            Assert.Equal(expected, sketch.Quantile(q), 1e-12);
        }
    }

    [Fact]
    public void A_point_at_the_same_scale_equals_adding_its_values()
    {
        var values = SketchSamples.Get("lognormal").Values.AsSpan(0, 20_000).ToArray();
        var point = ReferencePoint.Of(values, scale: 3);

        var merged = new LatencySketch(maxScale: 3);
        point.MergeInto(merged);
        var added = new LatencySketch(maxScale: 3);
        foreach (var value in values)
        {
            added.Add(value);
        }

        Assert.Equal(added.ToBytes(), merged.ToBytes());
    }

    [Fact]
    public void A_finer_point_is_downscaled_exactly_to_the_sketch()
    {
        var values = SketchSamples.Get("bimodal").Values.AsSpan(0, 20_000).ToArray();
        var point = ReferencePoint.Of(values, scale: 12);

        var merged = new LatencySketch();
        point.MergeInto(merged);
        var added = new LatencySketch();
        foreach (var value in values)
        {
            added.Add(value);
        }

        Assert.Equal(LatencySketch.DefaultMaxScale, merged.Scale);
        Assert.Equal(added.ToBytes(), merged.ToBytes());
    }

    [Fact]
    public void A_coarser_point_downscales_the_sketch_and_its_bound_follows()
    {
        var values = SketchSamples.Get("lognormal").Values;
        var sketch = new LatencySketch();
        foreach (var value in values.AsSpan(0, 10_000))
        {
            sketch.Add(value);
        }
        ReferencePoint.Of(values.AsSpan(10_000, 10_000).ToArray(), scale: 4).MergeInto(sketch);

        Assert.Equal(4, sketch.Scale);
        var sorted = values.AsSpan(0, 20_000).ToArray().Order().ToArray();
        foreach (var q in SketchSamples.Grid())
        {
            var exact = SketchSamples.NearestRank(sorted, q);
            Assert.InRange(Math.Abs(sketch.Quantile(q) - exact) / exact, 0, LatencySketch.RelativeErrorAtScale(4) + 1e-12);
        }
    }

    [Fact]
    public void Zero_threshold_negatives_and_missing_summaries_are_handled()
    {
        var sketch = new LatencySketch();
        // Scale 0: negative bucket 1 holds -(2, 4], positive bucket 3 holds (8, 16].
        sketch.MergeExponentialHistogram(scale: 0, zeroCount: 5, zeroThreshold: 0.001, positiveOffset: 3, positiveBucketCounts: [4],
            negativeOffset: 1, negativeBucketCounts: [1], count: 10, sum: null, min: null, max: null);

        Assert.Equal(0.001, sketch.ZeroThreshold);
        Assert.True(sketch.SumIsEstimated);
        Assert.Equal(-8 / 3.0, sketch.Min, 1e-12);
        Assert.Equal(32 / 3.0, sketch.Max, 1e-12);
        Assert.Equal((-8 / 3.0) + (4 * 32 / 3.0), sketch.Sum, 1e-9);
        Assert.Equal(0, sketch.Quantile(0.5));
        Assert.Equal(-8 / 3.0, sketch.Quantile(0.1), 1e-12);

        // A point whose zero bucket is empty does not widen the threshold.
        sketch.MergeExponentialHistogram(0, 0, 0.5, 3, [1], 0, [], 1, 12, 12, 12);
        Assert.Equal(0.001, sketch.ZeroThreshold);
    }

    [Fact]
    public void Inconsistent_points_are_refused_and_leave_the_sketch_unchanged()
    {
        var sketch = new LatencySketch();
        sketch.Add(5);
        var before = sketch.ToBytes();

        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.MergeExponentialHistogram(21, 0, 0, 0, [1], 0, [], 1, null, null, null));
        Assert.Contains("count is 3", Assert.Throws<ArgumentException>(() => sketch.MergeExponentialHistogram(3, 1, 0, 0, [1], 0, [], 3, null, null, null)).Message);
        Assert.Contains("outside the double range", Assert.Throws<ArgumentOutOfRangeException>(() => sketch.MergeExponentialHistogram(0, 0, 0, 1024, [1], 0, [], 1, null, null, null)).Message);
        Assert.Throws<ArgumentException>(() => sketch.MergeExponentialHistogram(3, 0, 0, 0, [1], 0, [], 1, null, 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.MergeExponentialHistogram(3, 0, -1, 0, [1], 0, [], 1, null, null, null));
        Assert.Throws<ArgumentException>(() => sketch.MergeExplicitHistogram([1, 1], [1, 1, 1], null, null));
        Assert.Throws<ArgumentException>(() => sketch.MergeExplicitHistogram([1, 2], [1, 1], null, null));
        Assert.Contains("outside the point's [min, max]", Assert.Throws<ArgumentException>(() => sketch.MergeExplicitHistogram([1, 2], [0, 3, 0], 5, 6)).Message);
        Assert.Throws<ArgumentException>(() => sketch.MergeExplicitHistogram([], [3], null, null));

        Assert.Equal(before, sketch.ToBytes());
    }

    [Fact]
    public void An_explicit_histogram_with_the_OpenTelemetry_default_bounds_stays_within_its_documented_bound()
    {
        double[] bounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];
        AssertExplicitBound("OTel default bounds", bounds);
    }

    [Fact]
    public void An_explicit_histogram_with_fine_bounds_is_as_accurate_as_its_buckets()
    {
        // Four buckets per doubling from 0.25 ms to 16 s: β = (2^(1/4) − 1)/(2^(1/4) + 1) ≈ 8.6%.
        var bounds = Enumerable.Range(-8, 65).Select(k => Math.Pow(2, k / 4.0)).ToArray();
        AssertExplicitBound("2^(k/4) bounds", bounds);
    }

    [Fact]
    public void Explicit_buckets_without_min_or_max_stand_at_their_finite_bound()
    {
        var sketch = new LatencySketch();
        sketch.MergeExplicitHistogram([0, 10, 20], [2, 0, 1, 1], min: null, max: null);

        Assert.Equal(4, sketch.Count);
        Assert.Equal(2, sketch.ZeroCount);
        Assert.Equal(0, sketch.Min);
        Assert.Equal(20, sketch.Max);
        Assert.Equal(2 * 10 * 20 / 30.0, sketch.Quantile(0.75), 0.03);
        Assert.True(sketch.SumIsEstimated);
    }

    private void AssertExplicitBound(string name, double[] bounds)
    {
        var values = SketchSamples.Get("lognormal").Values.AsSpan(0, 100_000).ToArray();
        var sorted = values.Order().ToArray();
        var counts = new ulong[bounds.Length + 1];
        foreach (var value in values)
        {
            // Upper-inclusive, as OTLP defines explicit buckets.
            var k = Array.BinarySearch(bounds, value);
            counts[k >= 0 ? k : ~k]++;
        }
        var min = sorted[0];
        var max = sorted[^1];
        var sketch = new LatencySketch();
        sketch.MergeExplicitHistogram(bounds, counts, min, max, values.Sum());

        var alpha = sketch.RelativeError;
        var worstError = 0.0;
        var worstBound = 0.0;
        foreach (var q in SketchSamples.Grid())
        {
            var exact = SketchSamples.NearestRank(sorted, q);
            var k = Array.BinarySearch(bounds, exact);
            k = k >= 0 ? k : ~k;
            var lower = Math.Max(k == 0 ? double.NegativeInfinity : bounds[k - 1], min);
            var upper = Math.Min(k == bounds.Length ? double.PositiveInfinity : bounds[k], max);
            var beta = (upper - lower) / (upper + lower);
            var bound = ((1 + alpha) * (1 + beta)) - 1;
            var error = Math.Abs(sketch.Quantile(q) - exact) / exact;
            Assert.True(error <= bound + 1e-12, $"q {q}: error {error:P3} over the bound {bound:P3} of bucket ({lower}, {upper}]");
            worstError = Math.Max(worstError, error);
            worstBound = Math.Max(worstBound, bound);
        }
        var p99 = SketchSamples.NearestRank(sorted, 0.99);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: worst error {worstError:P2} (largest bound {worstBound:P2}); p99 exact {p99:F2}, from buckets {sketch.Quantile(0.99):F2}"));
    }

    /// <summary>An OTLP exponential-histogram point built from values with the specification's logarithm mapping.</summary>
    private sealed record ReferencePoint(int Scale, int Offset, ulong[] Counts, double Sum, double Min, double Max)
    {
        public static ReferencePoint Of(double[] values, int scale)
        {
            var indexes = values.Select(value => Index(value, scale)).ToArray();
            var offset = indexes.Min();
            var counts = new ulong[indexes.Max() - offset + 1];
            foreach (var index in indexes)
            {
                counts[index - offset]++;
            }
            var sum = 0.0;
            foreach (var value in values)
            {
                sum += value;
            }
            return new ReferencePoint(scale, offset, counts, sum, values.Min(), values.Max());
        }

        public void MergeInto(LatencySketch sketch) =>
            sketch.MergeExponentialHistogram(Scale, 0, 0, Offset, Counts, 0, [], (ulong)Counts.Sum(c => (long)c), Sum, Min, Max);

        private static int Index(double value, int scale)
        {
            var exponent = Math.ILogB(value);
            if (value == Math.ScaleB(1.0, exponent))
            {
                return (exponent << scale) - 1;
            }
            return (int)Math.Ceiling(Math.Log2(value) * Math.Pow(2, scale)) - 1;
        }
    }
}

using System.Globalization;
using Observability.Core.Sketches;
using Xunit.Abstractions;

namespace Observability.Core.Tests.Sketches;

/// <summary>The sketch against brute force: sorted arrays of the very same values.</summary>
public sealed class LatencySketchTests(ITestOutputHelper output)
{
    public static TheoryData<string> Distributions => [.. SketchSamples.Names];

    [Theory]
    [MemberData(nameof(Distributions))]
    public void One_sketch_of_a_million_values_is_within_one_percent_at_p50_p90_p99_p999(string distribution)
    {
        var sample = SketchSamples.Get(distribution);
        var sketch = new LatencySketch();
        foreach (var value in sample.Values)
        {
            sketch.Add(value);
        }

        Assert.Equal(sample.Values.Length, sketch.Count);
        Assert.Equal(sample.Sorted[0], sketch.Min);
        Assert.Equal(sample.Sorted[^1], sketch.Max);
        AssertAccurate(distribution, "one sketch", sample.Sorted, sketch);
    }

    [Theory]
    [MemberData(nameof(Distributions))]
    public void A_merge_of_a_hundred_partial_sketches_is_within_one_percent_at_p50_p90_p99_p999(string distribution)
    {
        var sample = SketchSamples.Get(distribution);
        var merged = new LatencySketch();
        foreach (var chunk in sample.Values.Chunk(sample.Values.Length / 100))
        {
            var partial = new LatencySketch();
            foreach (var value in chunk)
            {
                partial.Add(value);
            }
            // Through storage, as rollups travel.
            merged.Merge(LatencySketch.FromBytes(partial.ToBytes()));
        }

        Assert.Equal(sample.Values.Length, merged.Count);
        Assert.Equal(sample.Sorted[0], merged.Min);
        Assert.Equal(sample.Sorted[^1], merged.Max);
        AssertAccurate(distribution, "100 merged", sample.Sorted, merged);
    }

    [Fact]
    public void Merging_in_any_order_or_grouping_gives_the_same_bytes()
    {
        // Integer values keep Sum exact whatever the order, so whole serialisations can be compared.
        var random = new Random(7);
        var parts = Enumerable.Range(0, 24).Select(i =>
        {
            var sketch = new LatencySketch();
            var decades = 1 + (i % 7);
            for (var n = 0; n < 2_000; n++)
            {
                var value = Math.Round(Math.Pow(10, random.NextDouble() * decades));
                sketch.Add(i % 5 == 0 && n % 10 == 0 ? -value : i % 3 == 0 && n % 50 == 0 ? 0 : value);
            }
            return sketch;
        }).ToList();
        Assert.True(parts.Select(p => p.Scale).Distinct().Count() > 1, "the parts should start at different scales");

        var forward = MergeAll(parts);
        var backward = MergeAll(Enumerable.Reverse(parts));
        var shuffled = MergeAll(parts.OrderBy(_ => random.Next()));
        var tree = MergeTree(parts.Select(Copy).ToList());

        var expected = forward.ToBytes();
        Assert.Equal(expected, backward.ToBytes());
        Assert.Equal(expected, shuffled.ToBytes());
        Assert.Equal(expected, tree.ToBytes());
        Assert.Equal(parts.Sum(p => p.Count), forward.Count);
    }

    [Fact]
    public void Merging_arbitrary_doubles_in_any_order_gives_the_same_quantiles()
    {
        var values = SketchSamples.Get("lognormal").Values.AsSpan(0, 100_000).ToArray();
        var parts = values.Chunk(1_000).Select(chunk =>
        {
            var sketch = new LatencySketch();
            foreach (var value in chunk)
            {
                sketch.Add(value);
            }
            return sketch;
        }).ToList();

        var forward = MergeAll(parts);
        var backward = MergeAll(Enumerable.Reverse(parts));

        Assert.Equal(forward.Scale, backward.Scale);
        Assert.Equal(forward.Count, backward.Count);
        Assert.Equal(forward.Min, backward.Min);
        Assert.Equal(forward.Max, backward.Max);
        Assert.All(SketchSamples.Grid(), q => Assert.Equal(forward.Quantile(q), backward.Quantile(q)));
        // Floating-point addition is not associative: the sums may differ in their last bits only.
        Assert.Equal(forward.Sum, backward.Sum, 1e-9 * forward.Sum);
    }

    [Fact]
    public void Small_bucket_limits_give_exactly_the_buckets_of_the_final_scale()
    {
        // Tight limits make the sketch grow, re-centre and downscale its arrays constantly; the result must still be
        // what bucketing every value directly at the final scale gives.
        var random = new Random(21);
        for (var trial = 0; trial < 300; trial++)
        {
            var maxBuckets = random.Next(LatencySketch.SmallestMaxBuckets, 80);
            var maxScale = random.Next(-2, 12);
            var decades = random.Next(1, 40);
            var values = Enumerable.Range(0, random.Next(1, 1_500)).Select(_ =>
            {
                var magnitude = Math.Pow(10, (random.NextDouble() - 0.5) * decades);
                return random.Next(10) switch { 0 => 0, 1 => -magnitude, _ => magnitude };
            }).ToArray();
            var sketch = new LatencySketch(maxScale, maxBuckets);
            foreach (var chunk in values.Chunk(random.Next(1, 200)))
            {
                var part = new LatencySketch(maxScale, maxBuckets);
                foreach (var value in chunk)
                {
                    part.Add(value);
                }
                sketch.Merge(part);
            }

            var scale = FinalScale(values, maxScale, maxBuckets);
            Assert.Equal(scale, sketch.Scale);
            var sorted = values.Order().Select(v => v == 0 ? 0 : Math.Sign(v) * Representative(Math.Abs(v), scale)).ToArray();
            foreach (var q in new[] { 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99 })
            {
                var rank = Math.Clamp((long)Math.Ceiling(q * values.Length) - 1, 0, values.Length - 1);
                var expected = rank == 0 ? values.Min() : rank == values.Length - 1 ? values.Max() : Math.Clamp(sorted[rank], values.Min(), values.Max());
                Assert.Equal(expected, sketch.Quantile(q));
            }
        }

        static int FinalScale(double[] values, int maxScale, int maxBuckets)
        {
            for (var scale = maxScale; ; scale--)
            {
                var fits = true;
                foreach (var sign in new[] { 1, -1 })
                {
                    var indexes = values.Where(v => Math.Sign(v) == sign).Select(v => ExponentialMapping.MapToIndex(Math.Abs(v), scale)).ToArray();
                    fits &= indexes.Length == 0 || (long)indexes.Max() - indexes.Min() + 1 <= maxBuckets;
                }
                if (fits)
                {
                    return scale;
                }
            }
        }

        static double Representative(double magnitude, int scale) =>
            ExponentialMapping.Representative(ExponentialMapping.MapToIndex(magnitude, scale), scale);
    }

    [Fact]
    public void An_empty_sketch_reports_no_data_as_NaN()
    {
        var sketch = new LatencySketch();

        Assert.Equal(0, sketch.Count);
        Assert.Equal(0, sketch.Sum);
        Assert.True(double.IsNaN(sketch.Min));
        Assert.True(double.IsNaN(sketch.Max));
        Assert.All(new[] { 0, 0.5, 1 }, q => Assert.True(double.IsNaN(sketch.Quantile(q))));
        sketch.Merge(new LatencySketch());
        Assert.True(double.IsNaN(sketch.Quantile(0.99)));
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void A_quantile_outside_zero_to_one_is_refused(double q)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatencySketch().Quantile(q));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Values_without_a_bucket_are_refused(double value)
    {
        var sketch = new LatencySketch();
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Add(value));
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Add(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Add(1, -1));
        Assert.Equal(0, sketch.Count);
    }

    [Fact]
    public void Zeros_are_counted_in_the_zero_bucket_and_reported_exactly()
    {
        var sketch = new LatencySketch();
        sketch.Add(0, 60);
        sketch.Add(-0.0, 10);
        sketch.Add(5, 30);

        Assert.Equal(70, sketch.ZeroCount);
        Assert.Equal(100, sketch.Count);
        Assert.Equal(0, sketch.Quantile(0.5));
        Assert.Equal(0, sketch.Quantile(0.7));
        Assert.InRange(sketch.Quantile(0.71), 5 * (1 - sketch.RelativeError), 5);
        Assert.Equal(5, sketch.Quantile(1));
        Assert.Equal(150, sketch.Sum);
        Assert.True(double.IsPositive(sketch.Min), "-0.0 is recorded as 0");

        var onlyZeros = new LatencySketch();
        onlyZeros.Add(0, 3);
        Assert.Equal(0, onlyZeros.Quantile(0.5));
    }

    [Fact]
    public void Negative_values_sort_below_zero_with_the_same_relative_bound()
    {
        var random = new Random(11);
        var values = Enumerable.Range(0, 50_000).Select(_ => (random.NextDouble() < 0.3 ? -1 : 1) * 10 * Math.Exp(SketchSamples.Normal(random))).ToArray();
        var sketch = new LatencySketch();
        foreach (var value in values)
        {
            sketch.Add(value);
        }
        var sorted = values.Order().ToArray();

        foreach (var q in SketchSamples.Grid())
        {
            var exact = SketchSamples.NearestRank(sorted, q);
            Assert.InRange(Math.Abs(sketch.Quantile(q) - exact), 0, (sketch.RelativeError * Math.Abs(exact)) + 1e-12);
        }
        Assert.Equal(sorted[0], sketch.Min);
    }

    [Fact]
    public void A_range_from_a_nanosecond_to_a_billion_downscales_and_keeps_the_bound_of_its_final_scale()
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, 200_000).Select(_ => Math.Pow(10, -9 + (18 * random.NextDouble()))).Append(1e-9).Append(1e9).ToArray();
        var sketch = new LatencySketch();
        foreach (var value in values)
        {
            sketch.Add(value);
        }
        var sorted = values.Order().ToArray();

        // 18 decades are 59.8 octaves: 3,827 buckets at scale 6, too many (7,654) at scale 7.
        Assert.Equal(6, sketch.Scale);
        Assert.Equal(LatencySketch.RelativeErrorAtScale(6), sketch.RelativeError);
        var worst = SketchSamples.Grid().Max(q => RelativeError(sketch.Quantile(q), SketchSamples.NearestRank(sorted, q)));
        output.WriteLine(Invariant($"1e-9..1e9: scale {sketch.Scale}, bound {sketch.RelativeError:P4}, worst of 1,004 quantiles {worst:P4}"));
        Assert.InRange(worst, 0, sketch.RelativeError + 1e-12);
    }

    [Fact]
    public void The_defaults_keep_a_microsecond_to_an_hour_at_scale_seven_in_any_unit()
    {
        foreach (var (unit, perSecond) in new[] { ("ns", 1e9), ("ms", 1e3), ("s", 1.0) })
        {
            var sketch = new LatencySketch();
            sketch.Add(1e-6 * perSecond);
            sketch.Add(3600 * perSecond);
            sketch.Add(0.05 * perSecond);

            Assert.True(sketch.Scale == 7, $"{unit}: scale {sketch.Scale}");
            Assert.True(sketch.RelativeError < 0.003);
        }
    }

    [Fact]
    public void The_error_bound_at_each_scale_is_base_minus_one_over_base_plus_one()
    {
        foreach (var scale in new[] { 0, 3, 5, 6, 7, 8, 10, 20 })
        {
            var @base = Math.Pow(2, Math.Pow(2, -scale));
            Assert.Equal((@base - 1) / (@base + 1), LatencySketch.RelativeErrorAtScale(scale), 1e-12);
        }
        Assert.Equal(0.001354, LatencySketch.RelativeErrorAtScale(8), 1e-6);
        Assert.Equal(0.002708, LatencySketch.RelativeErrorAtScale(7), 1e-6);
        Assert.Equal(0.005415, LatencySketch.RelativeErrorAtScale(6), 1e-6);
        Assert.Equal(0.010830, LatencySketch.RelativeErrorAtScale(5), 1e-6);
    }

    [Fact]
    public void Adding_to_a_warmed_up_sketch_allocates_nothing()
    {
        var values = SketchSamples.Get("lognormal").Values;
        var sketch = new LatencySketch();
        foreach (var value in values.AsSpan(0, 100_000))
        {
            sketch.Add(value);
        }
        sketch.Clear();

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var value in values.AsSpan(0, 100_000))
        {
            sketch.Add(value);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Merging_a_sketch_into_itself_doubles_it_and_clones_are_independent()
    {
        var sketch = new LatencySketch();
        sketch.Add(1);
        sketch.Add(100, 3);
        var clone = sketch.Clone();

        sketch.Merge(sketch);

        Assert.Equal(8, sketch.Count);
        Assert.Equal(602, sketch.Sum);
        Assert.Equal(4, clone.Count);
        Assert.Equal(clone.Quantile(0.5), sketch.Quantile(0.5));
    }

    [Fact]
    public void Merged_sketches_take_the_coarser_scale_and_the_receivers_limits()
    {
        var fine = new LatencySketch(maxScale: 8);
        fine.Add(10);
        var coarse = new LatencySketch(maxScale: 2);
        coarse.Add(1000);

        fine.Merge(coarse);

        Assert.Equal(2, fine.Scale);
        Assert.Equal(8, fine.MaxScale);
        Assert.InRange(fine.Quantile(0.5), 10, 10);
    }

    private void AssertAccurate(string distribution, string how, double[] sorted, LatencySketch sketch)
    {
        var errors = SketchSamples.AcceptanceQuantiles.Select(q => RelativeError(sketch.Quantile(q), SketchSamples.NearestRank(sorted, q))).ToArray();
        var worstOnGrid = SketchSamples.Grid().Max(q => RelativeError(sketch.Quantile(q), SketchSamples.NearestRank(sorted, q)));
        output.WriteLine(Invariant(
            $"{distribution,-9} {how,-10} p50 {errors[0]:P4}  p90 {errors[1]:P4}  p99 {errors[2]:P4}  p99.9 {errors[3]:P4}  worst of 1,004 quantiles {worstOnGrid:P4}  (scale {sketch.Scale}, bound {sketch.RelativeError:P4})"));
        for (var i = 0; i < errors.Length; i++)
        {
            Assert.True(errors[i] <= 0.01, $"{distribution} {how}: q {SketchSamples.AcceptanceQuantiles[i]} is off by {errors[i]:P4}");
        }
        Assert.InRange(worstOnGrid, 0, sketch.RelativeError + 1e-12);
    }

    private static double RelativeError(double estimate, double exact) => Math.Abs(estimate - exact) / Math.Abs(exact);

    private static LatencySketch MergeAll(IEnumerable<LatencySketch> parts)
    {
        var merged = new LatencySketch();
        foreach (var part in parts)
        {
            merged.Merge(part);
        }
        return merged;
    }

    private static LatencySketch MergeTree(List<LatencySketch> parts)
    {
        while (parts.Count > 1)
        {
            var next = new List<LatencySketch>();
            for (var i = 0; i < parts.Count; i += 2)
            {
                if (i + 1 < parts.Count)
                {
                    parts[i].Merge(parts[i + 1]);
                }
                next.Add(parts[i]);
            }
            parts = next;
        }
        return parts[0];
    }

    private static LatencySketch Copy(LatencySketch sketch) => sketch.Clone();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using Observability.Core.Sketches;
using Xunit.Abstractions;

namespace Observability.Core.Tests.Sketches;

/// <summary>The sketch against brute force: sorted arrays of the very same samples.</summary>
public sealed class LatencySketchTests(ITestOutputHelper output)
{
    private const int SampleSize = 1_000_000;
    private static readonly double[] Quantiles = [0.5, 0.9, 0.99, 0.999];

    private static readonly Lazy<Dictionary<string, double[]>> Samples = new(() =>
    {
        var random = new Random(20261125);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return new Dictionary<string, double[]>
        {
            // Milliseconds: a typical service (median ~20 ms, long tail)...
            ["lognormal"] = [.. Enumerable.Range(0, SampleSize).Select(_ => Math.Exp(3 + 1.2 * Normal()))],
            // ...cache hits around 2 ms and misses around 150 ms...
            ["bimodal"] = [.. Enumerable.Range(0, SampleSize).Select(_ => random.NextDouble() < 0.8 ? Math.Abs(2 + 0.3 * Normal()) + 0.01 : Math.Abs(150 + 25 * Normal()) + 0.01)],
            ["uniform"] = [.. Enumerable.Range(0, SampleSize).Select(_ => 1 + random.NextDouble() * 999)],
            ["constant"] = [.. Enumerable.Repeat(42.5, SampleSize)],
        };
    });

    public static TheoryData<string> Distributions => ["lognormal", "bimodal", "uniform", "constant"];

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Quantiles_are_within_one_percent_of_the_sorted_array(string distribution)
    {
        var values = Samples.Value[distribution];
        var sketch = new LatencySketch();
        foreach (var value in values)
        {
            sketch.Add(value);
        }

        AssertWithinOnePercent(distribution, "one sketch", values, sketch);
        Assert.Equal(values.Length, sketch.Count);
        Assert.Equal(values.Min(), sketch.Min);
        Assert.Equal(values.Max(), sketch.Max);
    }

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Merges_of_a_hundred_partial_sketches_are_within_one_percent(string distribution)
    {
        var values = Samples.Value[distribution];
        var merged = new LatencySketch();
        foreach (var chunk in values.Chunk(values.Length / 100))
        {
            var partial = new LatencySketch();
            foreach (var value in chunk)
            {
                partial.Add(value);
            }
            // Through storage, as rollups travel.
            merged.Merge(LatencySketch.FromBytes(partial.ToBytes()));
        }

        AssertWithinOnePercent(distribution, "100 merged", values, merged);
        Assert.Equal(values.Length, merged.Count);
    }

    [Fact]
    public void Merge_order_does_not_matter()
    {
        var random = new Random(1);
        var parts = Enumerable.Range(0, 10).Select(i =>
        {
            var sketch = new LatencySketch();
            for (var n = 0; n < 1000; n++)
            {
                sketch.Add(Math.Pow(10, random.NextDouble() * (i + 1)));
            }
            return sketch;
        }).ToList();

        var forward = new LatencySketch();
        parts.ForEach(forward.Merge);
        var backward = new LatencySketch();
        Enumerable.Reverse(parts).ToList().ForEach(backward.Merge);

        Assert.Equal(forward.Scale, backward.Scale);
        Assert.All(Quantiles, q => Assert.Equal(forward.Quantile(q), backward.Quantile(q)));
        Assert.Equal(forward.Count, backward.Count);
    }

    [Fact]
    public void Serialisation_round_trips_and_is_compact()
    {
        var sketch = new LatencySketch();
        foreach (var value in Samples.Value["lognormal"])
        {
            sketch.Add(value);
        }

        var bytes = sketch.ToBytes();
        var copy = LatencySketch.FromBytes(bytes);

        output.WriteLine($"10^6 lognormal values: {bytes.Length} bytes at scale {sketch.Scale}");
        Assert.Equal(bytes, copy.ToBytes());
        Assert.All(Quantiles, q => Assert.Equal(sketch.Quantile(q), copy.Quantile(q)));
        Assert.InRange(bytes.Length, 1, 8 * 1024);
    }

    [Theory]
    [InlineData(new byte[0], "truncated")]
    [InlineData(new byte[] { 9 }, "version 9")]
    [InlineData(new byte[] { 1, 14, 1, 0 }, "truncated")]
    public void Corrupt_bytes_are_refused_with_a_reason(byte[] bytes, string expected)
    {
        var error = Assert.Throws<FormatException>(() => LatencySketch.FromBytes(bytes));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Counts_that_disagree_are_refused()
    {
        var sketch = new LatencySketch();
        sketch.Add(5);
        var bytes = sketch.ToBytes();
        bytes[2] = 7; // Count varint claims 7 values.

        Assert.Contains("disagree", Assert.Throws<FormatException>(() => LatencySketch.FromBytes(bytes)).Message);
    }

    [Fact]
    public void An_empty_sketch_has_no_quantiles_and_zeros_are_zero()
    {
        var sketch = new LatencySketch();
        Assert.True(double.IsNaN(sketch.Quantile(0.5)));

        sketch.Add(0, 9);
        sketch.Add(10);
        Assert.Equal(0, sketch.Quantile(0.5));
        Assert.Equal(10, sketch.Quantile(1));
        Assert.Equal(9, sketch.ZeroCount);
    }

    [Fact]
    public void A_huge_range_downscales_and_stays_within_its_bound()
    {
        var values = Enumerable.Range(0, 100_000).Select(i => Math.Pow(10, -9 + 18.0 * i / 100_000)).ToArray();
        var sketch = new LatencySketch();
        foreach (var value in values)
        {
            sketch.Add(value);
        }

        Assert.True(sketch.Scale < LatencySketch.DefaultMaxScale);
        output.WriteLine($"1e-9..1e9: scale {sketch.Scale}, bound {sketch.RelativeErrorBound:P3}");
        foreach (var q in Quantiles)
        {
            var exact = values[(int)Math.Ceiling(q * values.Length) - 1];
            Assert.InRange(Math.Abs(sketch.Quantile(q) - exact) / exact, 0, sketch.RelativeErrorBound + 1e-12);
        }
    }

    [Fact]
    public void An_otlp_exponential_histogram_point_merges_at_its_own_bucket_boundaries()
    {
        // Scale 3 (base 2^(1/8)): buckets 8..11 hold 10, 20, 30, 40 values: (2^1, 2^1.125], ... (2^1.375, 2^1.5].
        var sketch = new LatencySketch();
        sketch.MergeExponentialHistogram(3, zeroCount: 0, positiveOffset: 8, positiveBucketCounts: [10, 20, 30, 40],
            negativeBucketCounts: [], sum: 250, min: 2.05, max: 2.8);

        Assert.Equal(100, sketch.Count);
        Assert.Equal(3, sketch.Scale);
        // The median (rank 50) lies in bucket 10: (2^1.25, 2^1.375].
        var median = sketch.Quantile(0.5);
        Assert.InRange(median, Math.Pow(2, 1.25), Math.Pow(2, 1.375));
        Assert.Equal(2.8, sketch.Quantile(1));
    }

    [Fact]
    public void An_explicit_histogram_merges_within_its_documented_bound()
    {
        // Bounds 10, 20, 50, 100 ms; values spread uniformly inside each bucket.
        var values = new List<double>();
        var random = new Random(3);
        double[] lower = [5, 10, 20, 50, 100];
        double[] upper = [10, 20, 50, 100, 200];
        ulong[] counts = [100, 300, 400, 150, 50];
        for (var b = 0; b < counts.Length; b++)
        {
            for (var n = 0UL; n < counts[b]; n++)
            {
                values.Add(lower[b] + random.NextDouble() * (upper[b] - lower[b]));
            }
        }
        var sorted = values.Order().ToArray();
        var sketch = new LatencySketch();
        sketch.MergeExplicitHistogram([10, 20, 50, 100], counts, sum: values.Sum(), min: sorted[0], max: sorted[^1]);

        foreach (var q in Quantiles)
        {
            var exact = sorted[(int)Math.Ceiling(q * sorted.Length) - 1];
            var bucket = Array.FindIndex(upper, u => exact <= u);
            var low = Math.Max(lower[bucket], sorted[0]);
            var high = Math.Min(upper[bucket], sorted[^1]);
            var bound = Math.Sqrt(high / low) - 1 + LatencySketch.RelativeErrorAt(sketch.Scale);
            Assert.InRange(Math.Abs(sketch.Quantile(q) - exact) / exact, 0, bound);
        }
    }

    private void AssertWithinOnePercent(string distribution, string how, double[] values, LatencySketch sketch)
    {
        var sorted = values.Order().ToArray();
        foreach (var q in Quantiles)
        {
            var exact = sorted[(int)Math.Ceiling(q * sorted.Length) - 1];
            var error = Math.Abs(sketch.Quantile(q) - exact) / exact;
            output.WriteLine($"{distribution} {how} p{q * 100}: exact {exact:F4}, sketch {sketch.Quantile(q):F4}, error {error:P3}");
            Assert.True(error <= 0.01, $"{distribution} {how}: p{q * 100} off by {error:P3}");
        }
    }
}

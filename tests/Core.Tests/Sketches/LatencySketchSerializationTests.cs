using System.Buffers.Binary;
using Observability.Core.Sketches;
using Xunit.Abstractions;

namespace Observability.Core.Tests.Sketches;

public sealed class LatencySketchSerializationTests(ITestOutputHelper output)
{
    public static TheoryData<string> Shapes => ["empty", "one value", "zeros", "signed", "otlp without sum", "wide range", "lognormal"];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Bytes_round_trip_to_an_identical_sketch(string shape)
    {
        var sketch = Build(shape);

        var bytes = sketch.ToBytes();
        var copy = LatencySketch.FromBytes(bytes);

        Assert.Equal(bytes, copy.ToBytes());
        Assert.Equal(sketch.Count, copy.Count);
        Assert.Equal(sketch.Scale, copy.Scale);
        Assert.Equal(sketch.MaxScale, copy.MaxScale);
        Assert.Equal(sketch.MaxBuckets, copy.MaxBuckets);
        Assert.Equal(sketch.Sum, copy.Sum);
        Assert.Equal(sketch.SumIsEstimated, copy.SumIsEstimated);
        Assert.Equal(sketch.ZeroThreshold, copy.ZeroThreshold);
        Assert.Equal(sketch.Min, copy.Min);
        Assert.Equal(sketch.Max, copy.Max);
        Assert.All(SketchSamples.Grid(), q => Assert.Equal(sketch.Quantile(q), copy.Quantile(q)));

        // A copy keeps working like the original.
        sketch.Add(7.25);
        copy.Add(7.25);
        Assert.Equal(sketch.ToBytes(), copy.ToBytes());
    }

    [Fact]
    public void A_million_lognormal_values_take_a_few_kilobytes()
    {
        var values = SketchSamples.Get("lognormal").Values;
        foreach (var (maxScale, limit) in new[] { (8, 10_000), (7, 6_000) })
        {
            var sketch = new LatencySketch(maxScale);
            foreach (var value in values)
            {
                sketch.Add(value);
            }
            var bytes = sketch.ToBytes();
            var spanned = Math.Ceiling(Math.Log2(sketch.Max / sketch.Min) * Math.Pow(2, sketch.Scale));
            output.WriteLine($"10^6 lognormal values, maxScale {maxScale}: {bytes.Length:N0} bytes at scale {sketch.Scale}, about {spanned:N0} buckets spanned");
            Assert.InRange(bytes.Length, 1, limit);
        }
        foreach (var n in new[] { 1, 100, 10_000 })
        {
            var sketch = new LatencySketch();
            foreach (var value in values.AsSpan(0, n))
            {
                sketch.Add(value);
            }
            output.WriteLine($"{n:N0} lognormal values: {sketch.ToBytes().Length:N0} bytes");
        }
    }

    [Fact]
    public void The_size_is_bounded_by_the_bucket_limit()
    {
        // The worst case: every bucket of both signs populated with a large count.
        var sketch = new LatencySketch(maxScale: 0, maxBuckets: 64);
        for (var exponent = -32; exponent < 32; exponent++)
        {
            sketch.Add(Math.ScaleB(1.5, exponent), long.MaxValue / 256);
            sketch.Add(-Math.ScaleB(1.5, exponent), long.MaxValue / 256);
        }
        var bytes = sketch.ToBytes();

        Assert.Equal(0, sketch.Scale);
        // Header and summary, then at most 10 bytes per bucket.
        Assert.InRange(bytes.Length, 1, 64 + (2 * 64 * 10));
        Assert.Equal(bytes, LatencySketch.FromBytes(bytes).ToBytes());
    }

    [Fact]
    public void Every_truncation_is_refused_with_a_format_exception()
    {
        var bytes = Build("signed").ToBytes();
        for (var length = 0; length < bytes.Length; length++)
        {
            var error = Assert.Throws<FormatException>(() => LatencySketch.FromBytes(bytes.AsSpan(0, length)));
            Assert.StartsWith("Latency sketch bytes: ", error.Message);
        }
    }

    [Fact]
    public void Random_corruption_is_refused_or_read_as_some_valid_sketch_never_anything_else()
    {
        var original = Build("signed").ToBytes();
        var random = new Random(9);
        var refused = 0;
        for (var n = 0; n < 3_000; n++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            }
            try
            {
                var sketch = LatencySketch.FromBytes(bytes);
                // Whatever was read must behave.
                Assert.Equal(sketch.ToBytes(), LatencySketch.FromBytes(sketch.ToBytes()).ToBytes());
                _ = sketch.Quantile(0.99);
            }
            catch (FormatException)
            {
                refused++;
            }
        }
        output.WriteLine($"{refused:N0} of 3,000 corrupted copies refused; the others decode to valid sketches (flipped count or sum bits)");
        Assert.True(refused > 0);
    }

    [Theory]
    [InlineData(new byte[] { 1, 0 }, "format version 1 is not supported")]
    [InlineData(new byte[] { 3, 0 }, "format version 3 is not supported")]
    [InlineData(new byte[] { 2, 4 }, "unknown flags 0x04")]
    [InlineData(new byte[] { 2, 0, 42 }, "max scale 21 is outside [-10, 20]")]
    [InlineData(new byte[] { 2, 0, 16, 4 }, "max buckets 4 is outside [8, 65536]")]
    [InlineData(new byte[] { 2, 0, 16, 16, 18 }, "scale 9 is outside [-10, 8]")]
    [InlineData(new byte[] { 2, 0, 16, 16, 16, 0, 17 }, "positive bucket count 17 is outside [0, 16]")]
    [InlineData(new byte[] { 2, 0, 16, 16, 16, 0, 1, 0, 0 }, "positive bucket 0 has a count of zero")]
    [InlineData(new byte[] { 2, 0, 16, 16, 16, 0, 3, 0, 2, 3, 2 }, "positive bucket 1 starts a misplaced run of 2 empty buckets")]
    [InlineData(new byte[] { 2, 0, 16, 16, 16, 0, 3, 0, 1, 2, 2 }, "positive bucket 0 starts a misplaced run")]
    [InlineData(new byte[] { 2, 0, 16, 16, 16, 0, 0, 0, 0 }, "1 bytes follow the end of the sketch")]
    [InlineData(new byte[] { 2, 1, 16, 16, 16, 0, 0, 0 }, "an empty sketch has flags set")]
    [InlineData(new byte[] { 2, 0, 16, 16, 16, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F }, "varint longer than 64 bits")]
    public void Corrupt_bytes_are_refused_naming_the_problem(byte[] bytes, string problem)
    {
        var error = Assert.Throws<FormatException>(() => LatencySketch.FromBytes(bytes));
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Inconsistent_summaries_are_refused()
    {
        var bytes = Build("one value").ToBytes();
        // The last 24 bytes are sum, min and max; make min larger than max.
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(bytes.Length - 16), 1e9);
        Assert.Contains("min ≤ max", Assert.Throws<FormatException>(() => LatencySketch.FromBytes(bytes)).Message);

        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(bytes.Length - 24), double.NaN);
        Assert.Contains("not finite", Assert.Throws<FormatException>(() => LatencySketch.FromBytes(bytes)).Message);
    }

    private static LatencySketch Build(string shape)
    {
        var sketch = new LatencySketch();
        switch (shape)
        {
            case "empty":
                break;
            case "one value":
                sketch.Add(12.5);
                break;
            case "zeros":
                sketch.Add(0, 1_000);
                break;
            case "signed":
                for (var i = 1; i <= 300; i++)
                {
                    sketch.Add(i * (i % 3 == 0 ? -1.5 : 2.25), i);
                }
                sketch.Add(0, 5);
                break;
            case "otlp without sum":
                sketch.Add(3);
                sketch.MergeExponentialHistogram(4, zeroCount: 2, zeroThreshold: 1e-3, positiveOffset: 10, positiveBucketCounts: [1, 0, 0, 4],
                    negativeOffset: 0, negativeBucketCounts: [], count: 7, sum: null, min: null, max: null);
                break;
            case "wide range":
                for (var exponent = -30; exponent <= 30; exponent++)
                {
                    sketch.Add(Math.Pow(10, exponent));
                }
                break;
            case "lognormal":
                foreach (var value in SketchSamples.Get("lognormal").Values.AsSpan(0, 100_000))
                {
                    sketch.Add(value);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(shape));
        }
        return sketch;
    }
}

using Observability.SampleWorkload.LoadGen.Measurement;

namespace Observability.SampleWorkload.Tests.LoadGen;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_are_within_one_sixty_fourth_above_the_exact_ones()
    {
        var random = new Random(3);
        // Log-normal around 20 ms with a long tail, plus a few sub-millisecond and multi-second values.
        var values = Enumerable.Range(0, 50_000)
            .Select(_ => (long)Math.Exp(Math.Log(20_000) + (1.2 * Normal(random))))
            .Concat([0, 1, 127, 128, 129, 500, 7_000_000, 40_000_000])
            .ToArray();
        var histogram = new LatencyHistogram();
        Parallel.ForEach(values, histogram.Record);
        var sorted = values.Order().ToArray();
        var counts = histogram.Snapshot();

        Assert.Equal(values.Length, counts.Sum());
        foreach (var percentile in new[] { 0.1, 1, 10, 50, 90, 99, 99.9, 100 })
        {
            var exact = sorted[(int)Math.Ceiling(percentile / 100 * sorted.Length) - 1];
            var estimate = LatencyHistogram.ValueAtPercentile(counts, percentile)!.Value;
            Assert.InRange(estimate, exact, exact + (exact / 64));
        }
    }

    [Fact]
    public void Every_value_falls_in_a_bucket_whose_range_holds_it()
    {
        for (long value = 0; value < 1_000_000; value += 1 + (value / 50))
        {
            var bucket = LatencyHistogram.BucketOf(value);
            Assert.InRange(value, bucket == 0 ? 0 : LatencyHistogram.HighestValueIn(bucket - 1) + 1, LatencyHistogram.HighestValueIn(bucket));
        }
        Assert.Equal(LatencyHistogram.BucketCount - 1, LatencyHistogram.BucketOf(LatencyHistogram.MaxMicroseconds));
    }

    [Fact]
    public void An_interval_is_the_difference_of_two_snapshots()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(1_000);
        var before = histogram.Snapshot();
        histogram.Record(90_000);
        histogram.Record(95_000);

        var interval = LatencyHistogram.Difference(histogram.Snapshot(), before);

        Assert.Equal(2, interval.Sum());
        Assert.InRange(LatencyHistogram.ValueAtPercentile(interval, 1)!.Value, 90_000, 90_000 + (90_000 / 64));
        Assert.Null(LatencyHistogram.ValueAtPercentile(new long[LatencyHistogram.BucketCount], 99));
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

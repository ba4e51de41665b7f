using System.Numerics;

namespace Observability.SampleWorkload.LoadGen.Measurement;

/// <summary>
/// Request latencies in microseconds, recorded lock-free from any number of threads: HdrHistogram's log-linear
/// bucket layout (64 linear sub-buckets per power of two, so a reported value is at most 1/64 above the true one)
/// over one array of counters bumped with Interlocked. Readers take snapshots and subtract them for an interval.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 6;
    private const int SubBucketHalf = 1 << SubBucketBits;
    private const int LinearLimit = SubBucketHalf * 2;

    /// <summary>Values above this (about 19 hours) are counted as this; no request lives that long.</summary>
    public const long MaxMicroseconds = (1L << 36) - 1;

    /// <summary>Buckets needed to cover 0..<see cref="MaxMicroseconds"/>.</summary>
    public static readonly int BucketCount = BucketOf(MaxMicroseconds) + 1;

    private readonly long[] _counts = new long[BucketCount];

    public void Record(long microseconds) =>
        Interlocked.Increment(ref _counts[BucketOf(Math.Clamp(microseconds, 0, MaxMicroseconds))]);

    /// <summary>A copy of every bucket's count so far; buckets are read one by one while writers go on.</summary>
    public long[] Snapshot()
    {
        var copy = new long[BucketCount];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = Volatile.Read(ref _counts[i]);
        }
        return copy;
    }

    /// <summary>The bucket of a value: the value itself below 128, then 64 buckets per power of two.</summary>
    public static int BucketOf(long value)
    {
        if (value < LinearLimit)
        {
            return (int)value;
        }
        var shift = BitOperations.Log2((ulong)value) - SubBucketBits;
        return (shift * SubBucketHalf) + (int)(value >> shift);
    }

    /// <summary>The largest value that falls into a bucket, so percentiles never understate a latency.</summary>
    public static long HighestValueIn(int bucket)
    {
        if (bucket < LinearLimit)
        {
            return bucket;
        }
        var shift = (bucket / SubBucketHalf) - 1;
        var lowest = (long)(bucket - (shift * SubBucketHalf)) << shift;
        return lowest + (1L << shift) - 1;
    }

    /// <summary>The value at a percentile (0..100] of the counts, or null when there are none.</summary>
    public static long? ValueAtPercentile(ReadOnlySpan<long> counts, double percentile)
    {
        long total = 0;
        foreach (var count in counts)
        {
            total += count;
        }
        if (total == 0)
        {
            return null;
        }
        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * total));
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return HighestValueIn(i);
            }
        }
        return HighestValueIn(counts.Length - 1);
    }

    /// <summary>Counts recorded between two snapshots.</summary>
    public static long[] Difference(long[] later, long[] earlier)
    {
        var difference = new long[later.Length];
        for (var i = 0; i < later.Length; i++)
        {
            difference[i] = later[i] - earlier[i];
        }
        return difference;
    }
}

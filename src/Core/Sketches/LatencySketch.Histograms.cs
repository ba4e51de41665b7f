namespace Observability.Core.Sketches;

/// <summary>Merging OTLP histogram data points into the sketch.</summary>
public sealed partial class LatencySketch
{
    /// <summary>
    /// Merges an OTLP ExponentialHistogram data point. Lossless: whichever of the point and the sketch is finer is
    /// downscaled to the other's scale (lower still if the union would exceed <see cref="MaxBuckets"/>), which the
    /// OpenTelemetry data model guarantees is exact. Its zero bucket joins this sketch's; with
    /// <paramref name="zeroThreshold"/> t > 0 those values are reported as 0, within t of the truth (the buckets of
    /// other inputs below t are kept, not folded into the zero bucket: that would only lose resolution).
    /// Missing <paramref name="sum"/>, <paramref name="min"/> or <paramref name="max"/> are estimated from the
    /// buckets' representatives (see <see cref="SumIsEstimated"/>, <see cref="Min"/>).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The point is inconsistent: scale outside [-10, 20], a populated bucket outside the double range, counts that do
    /// not add up to <paramref name="count"/>, a non-finite sum, min or max, or min above max. The sketch is unchanged.
    /// </exception>
    public void MergeExponentialHistogram(
        int scale,
        ulong zeroCount,
        double zeroThreshold,
        int positiveOffset,
        IReadOnlyList<ulong> positiveBucketCounts,
        int negativeOffset,
        IReadOnlyList<ulong> negativeBucketCounts,
        ulong count,
        double? sum,
        double? min,
        double? max)
    {
        ArgumentNullException.ThrowIfNull(positiveBucketCounts);
        ArgumentNullException.ThrowIfNull(negativeBucketCounts);
        if (scale is < ExponentialMapping.MinScale or > ExponentialMapping.MaxScale)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "An exponential histogram's scale lies in [-10, 20].");
        }
        if (!double.IsFinite(zeroThreshold) || zeroThreshold < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(zeroThreshold), zeroThreshold, "The zero threshold must be finite and not negative.");
        }
        var positive = PointBuckets.Of(scale, positiveOffset, positiveBucketCounts, nameof(positiveOffset));
        var negative = PointBuckets.Of(scale, negativeOffset, negativeBucketCounts, nameof(negativeOffset));
        var total = zeroCount + positive.Total;
        var overflowed = total < zeroCount;
        total += negative.Total;
        overflowed |= total < negative.Total;
        if (overflowed || total != count)
        {
            throw new ArgumentException(
                $"The point's count is {count} but its zero count and buckets hold {zeroCount} + {positive.Total} + {negative.Total}.",
                nameof(count));
        }
        ValidateSummary(sum, min, max);
        if (total == 0)
        {
            return;
        }
        if (total > (ulong)(long.MaxValue - _count))
        {
            throw new OverflowException("The merged sketch would hold more than long.MaxValue values.");
        }

        var shift = MakeRoomFor(scale, positive.Span, negative.Span);
        positive.AddTo(_positive, positiveBucketCounts, shift);
        negative.AddTo(_negative, negativeBucketCounts, shift);
        _zeroCount += (long)zeroCount;
        if (zeroCount > 0)
        {
            _zeroThreshold = Math.Max(_zeroThreshold, zeroThreshold);
        }
        if (sum is { } knownSum)
        {
            _sum += knownSum;
        }
        else
        {
            _sum += positive.EstimateSum(positiveBucketCounts, scale) - negative.EstimateSum(negativeBucketCounts, scale);
            _sumIsEstimated = true;
        }
        // The lowest value sits in the negative bucket of largest magnitude, else the zero bucket, else the lowest positive.
        var lowest = negative.Span is { } n ? -ExponentialMapping.Representative(n.Hi, scale)
            : zeroCount > 0 ? 0
            : ExponentialMapping.Representative(positive.Span!.Value.Lo, scale);
        var highest = positive.Span is { } p ? ExponentialMapping.Representative(p.Hi, scale)
            : zeroCount > 0 ? 0
            : -ExponentialMapping.Representative(negative.Span!.Value.Lo, scale);
        ObserveRange((long)total, min ?? lowest, max ?? highest);
    }

    /// <summary>
    /// Merges an OTLP explicit-bucket Histogram data point: bucket k holds values in (bounds[k−1], bounds[k]], the
    /// first and last buckets open-ended. Its count is placed at one point r per bucket, then binned as if added.
    /// </summary>
    /// <remarks>
    /// Each bucket (l, u] is first narrowed to [min, max] when those are given. Then:
    /// <list type="bullet">
    /// <item>0 &lt; l ≤ u: r = 2·l·u/(l+u), the harmonic mean, so every value x in the bucket is within
    /// β = (u−l)/(u+l) of r, relatively (β = 1/3 for u = 2l; 3/7 for u = 2.5l). Mirrored for u &lt; 0.</item>
    /// <item>l ≤ 0 ≤ u, both finite: r = (l+u)/2, within (u−l)/2 of every value, absolutely. For latencies the usual
    /// (−∞, 0] first bucket lands here at 0, exactly, whenever min is given or 0 is its upper bound.</item>
    /// <item>Unbounded (no min for the first bucket, no max for the last): r is the finite bound, a statement of
    /// "at most u" or "at least l" with no error bound.</item>
    /// </list>
    /// Quantile guarantee for the values of this point: the estimate of the value x at a rank is within
    /// (1+α)(1+β)−1 of x relatively, where β is that of the bucket holding x and α = <see cref="RelativeError"/>,
    /// because placing values at r is monotone and the sketch adds its own α on top. Mixed with other inputs, the
    /// same holds with β the largest over this point's non-empty buckets. The explicit bucket layout, not the sketch,
    /// limits the accuracy. Without <paramref name="sum"/> the representatives give Sum (see
    /// <see cref="SumIsEstimated"/>); without min or max, the lowest or highest representative stands in. A point with
    /// no bucket counts carries no distribution and changes nothing.
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// Bounds not finite and strictly increasing, a bucket count list that is not one longer than the bounds, a
    /// non-empty bucket outside [min, max], or a single unbounded bucket. The sketch is unchanged.
    /// </exception>
    public void MergeExplicitHistogram(
        IReadOnlyList<double> explicitBounds,
        IReadOnlyList<ulong> bucketCounts,
        double? min,
        double? max,
        double? sum = null)
    {
        ArgumentNullException.ThrowIfNull(explicitBounds);
        ArgumentNullException.ThrowIfNull(bucketCounts);
        if (bucketCounts.Count == 0)
        {
            return;
        }
        if (bucketCounts.Count != explicitBounds.Count + 1)
        {
            throw new ArgumentException(
                $"{explicitBounds.Count} explicit bounds need {explicitBounds.Count + 1} bucket counts, not {bucketCounts.Count}.",
                nameof(bucketCounts));
        }
        for (var i = 0; i < explicitBounds.Count; i++)
        {
            if (!double.IsFinite(explicitBounds[i]) || (i > 0 && explicitBounds[i] <= explicitBounds[i - 1]))
            {
                throw new ArgumentException($"Explicit bound {i} ({explicitBounds[i]}) is not finite and above the previous one.", nameof(explicitBounds));
            }
        }
        ValidateSummary(sum, min, max);

        // Check every bucket before changing anything, so that a bad point leaves the sketch as it was.
        var total = 0UL;
        for (var k = 0; k < bucketCounts.Count; k++)
        {
            if (bucketCounts[k] == 0)
            {
                continue;
            }
            total = checked(total + bucketCounts[k]);
            var (lower, upper) = ExplicitBucket(explicitBounds, k, min, max);
            if (lower > upper)
            {
                throw new ArgumentException(
                    $"Bucket {k} holds {bucketCounts[k]} values but lies outside the point's [min, max] = [{min}, {max}].", nameof(bucketCounts));
            }
            if (double.IsNegativeInfinity(lower) && double.IsPositiveInfinity(upper))
            {
                throw new ArgumentException("A histogram with no bounds and no min or max gives its values no place.", nameof(explicitBounds));
            }
        }
        if (total == 0)
        {
            return;
        }
        if (total > (ulong)(long.MaxValue - _count))
        {
            throw new OverflowException("The merged sketch would hold more than long.MaxValue values.");
        }

        var estimatedSum = 0.0;
        var lowest = double.PositiveInfinity;
        var highest = double.NegativeInfinity;
        for (var k = 0; k < bucketCounts.Count; k++)
        {
            var count = (long)bucketCounts[k];
            if (count == 0)
            {
                continue;
            }
            var (lower, upper) = ExplicitBucket(explicitBounds, k, min, max);
            var at = ExplicitRepresentative(lower, upper);
            AddToBuckets(at, count);
            estimatedSum += at * count;
            lowest = Math.Min(lowest, at);
            highest = Math.Max(highest, at);
        }
        _sum += sum ?? estimatedSum;
        _sumIsEstimated |= sum is null;
        ObserveRange((long)total, min ?? lowest, max ?? highest);
    }

    /// <summary>The interval of explicit bucket <paramref name="k"/>, narrowed to [min, max].</summary>
    private static (double Lower, double Upper) ExplicitBucket(IReadOnlyList<double> bounds, int k, double? min, double? max)
    {
        var lower = k == 0 ? double.NegativeInfinity : bounds[k - 1];
        var upper = k == bounds.Count ? double.PositiveInfinity : bounds[k];
        return (min is { } low ? Math.Max(lower, low) : lower, max is { } high ? Math.Min(upper, high) : upper);
    }

    /// <summary>The point that stands in for every value of an explicit bucket; see <see cref="MergeExplicitHistogram"/>.</summary>
    internal static double ExplicitRepresentative(double lower, double upper)
    {
        if (double.IsNegativeInfinity(lower))
        {
            return upper;
        }
        if (double.IsPositiveInfinity(upper))
        {
            return lower;
        }
        if (lower > 0)
        {
            // 2lu/(l+u), arranged so that no intermediate overflows.
            return lower * 2 / (1 + lower / upper);
        }
        if (upper < 0)
        {
            return -ExplicitRepresentative(-upper, -lower);
        }
        return lower / 2 + upper / 2;
    }

    private static void ValidateSummary(double? sum, double? min, double? max)
    {
        if (sum is { } s && !double.IsFinite(s))
        {
            throw new ArgumentOutOfRangeException(nameof(sum), s, "The sum must be finite.");
        }
        if (min is { } low && !double.IsFinite(low))
        {
            throw new ArgumentOutOfRangeException(nameof(min), low, "The min must be finite.");
        }
        if (max is { } high && !double.IsFinite(high))
        {
            throw new ArgumentOutOfRangeException(nameof(max), high, "The max must be finite.");
        }
        if (min > max)
        {
            throw new ArgumentException($"The min {min} is above the max {max}.", nameof(min));
        }
    }

    /// <summary>The populated part of one sign's buckets of an OTLP exponential-histogram point.</summary>
    private readonly record struct PointBuckets(IndexSpan? Span, int First, ulong Total)
    {
        public static PointBuckets Of(int scale, int offset, IReadOnlyList<ulong> counts, string offsetName)
        {
            var first = -1;
            var last = -1;
            var total = 0UL;
            for (var i = 0; i < counts.Count; i++)
            {
                if (counts[i] == 0)
                {
                    continue;
                }
                if (first < 0)
                {
                    first = i;
                }
                last = i;
                total += counts[i];
                if (total < counts[i])
                {
                    throw new ArgumentException("The point's bucket counts add up to more than 2^64.", nameof(counts));
                }
            }
            if (first < 0)
            {
                return new PointBuckets(null, 0, 0);
            }
            long lo = (long)offset + first;
            long hi = (long)offset + last;
            if (lo < ExponentialMapping.MinIndex(scale) || hi > ExponentialMapping.MaxIndex(scale))
            {
                throw new ArgumentOutOfRangeException(offsetName, offset,
                    $"Populated buckets {lo}..{hi} at scale {scale} lie outside the double range " +
                    $"({ExponentialMapping.MinIndex(scale)}..{ExponentialMapping.MaxIndex(scale)}).");
            }
            return new PointBuckets(new IndexSpan((int)lo, (int)hi), first, total);
        }

        public void AddTo(BucketRange target, IReadOnlyList<ulong> counts, int shift)
        {
            if (Span is not { } span)
            {
                return;
            }
            for (var i = First; i <= First + (span.Hi - span.Lo); i++)
            {
                if (counts[i] != 0)
                {
                    target.Add((span.Lo + (i - First)) >> shift, (long)counts[i]);
                }
            }
        }

        public double EstimateSum(IReadOnlyList<ulong> counts, int scale)
        {
            var sum = 0.0;
            if (Span is { } span)
            {
                for (var i = First; i <= First + (span.Hi - span.Lo); i++)
                {
                    if (counts[i] != 0)
                    {
                        sum += ExponentialMapping.Representative(span.Lo + (i - First), scale) * counts[i];
                    }
                }
            }
            return sum;
        }
    }
}

namespace Observability.Core.Sketches;

/// <summary>
/// A mergeable distribution sketch with a relative-error guarantee: the OpenTelemetry base-2 exponential
/// histogram. At scale s, bucket i holds values whose magnitude lies in (base^i, base^(i+1)], base = 2^(2^-s).
/// </summary>
/// <remarks>
/// <para>
/// <b>Guarantee.</b> Every value in a bucket is reported as the bucket's representative r = 2·L·U/(L+U), the harmonic
/// mean of its bounds L and U = base·L. For any x in (L, U], |r − x| ≤ α·x with α = (base−1)/(base+1) = tanh(ln(base)/2),
/// the smallest bound any single point achieves (the geometric midpoint √(L·U) gives √base − 1, slightly more).
/// A quantile is the representative of the bucket that holds the exact nearest-rank value, clamped to [Min, Max], so
/// it is within α·x of that value x: α = 0.135% at scale 8, 0.271% at scale 7, 0.542% at scale 6, 1.08% at scale 5.
/// </para>
/// <para>
/// <b>Downscaling.</b> The sketch starts at <see cref="MaxScale"/> and lowers the scale (merging 2^c adjacent buckets)
/// only when one sign's populated buckets would span more than <see cref="MaxBuckets"/> indexes. Downscaling is exact,
/// so the bound depends only on the final <see cref="Scale"/>, never on the history: <see cref="RelativeError"/>.
/// With the defaults (8, 4096) the scale stays ≥ 7 while the largest value is at most about 2^32 times the smallest
/// (1 µs to 71 minutes, in any unit) and ≥ 6 up to a ratio of 2^64.
/// </para>
/// <para>
/// <b>Zeros and negatives.</b> Zero goes to the zero bucket and is reported exactly. Negative values are supported
/// (clock skew can make a duration negative) and mirrored into their own buckets with the same bound. Values in
/// the zero bucket of a merged OTLP point with a zero threshold t > 0 are reported as 0, an absolute error ≤ t
/// (<see cref="ZeroThreshold"/>): quantiles are then within max(α·|x|, t).
/// </para>
/// <para>
/// Merging is exact at the coarser of the two scales, and associative and commutative: any merge order of the same
/// inputs yields the same buckets, scale, count, min and max (Sum is a floating-point sum whose last bits can vary).
/// Not thread-safe.
/// </para>
/// </remarks>
public sealed partial class LatencySketch
{
    // Scale 8 (0.135%) while data spans at most 16 octaves; 4096 buckets keep scale 7 (0.271%) up to 32 octaves,
    // which covers 1 µs to 1 hour, at 8 bytes a bucket in memory and one or two in storage.
    public const int DefaultMaxScale = 8;
    public const int DefaultMaxBuckets = 4096;

    /// <summary>The fewest buckets a sketch may have: enough for any double range at scale -10.</summary>
    public const int SmallestMaxBuckets = 8;

    /// <summary>The most buckets a sketch may have, which bounds its memory and serialised size.</summary>
    public const int LargestMaxBuckets = 1 << 16;

    private readonly BucketRange _positive;
    private readonly BucketRange _negative;
    private long _count;
    private long _zeroCount;
    private double _zeroThreshold;
    private double _sum;
    private double _min = double.NaN;
    private double _max = double.NaN;
    private bool _sumIsEstimated;

    /// <param name="maxScale">The starting and highest scale, -10..20.</param>
    /// <param name="maxBuckets">The most buckets per sign before the scale is lowered, 8..65536.</param>
    public LatencySketch(int maxScale = DefaultMaxScale, int maxBuckets = DefaultMaxBuckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxScale, ExponentialMapping.MinScale);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxScale, ExponentialMapping.MaxScale);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBuckets, SmallestMaxBuckets);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBuckets, LargestMaxBuckets);
        MaxScale = maxScale;
        MaxBuckets = maxBuckets;
        Scale = maxScale;
        _positive = new BucketRange(maxBuckets);
        _negative = new BucketRange(maxBuckets);
    }

    public int MaxScale { get; }

    public int MaxBuckets { get; }

    /// <summary>The current resolution: base = 2^(2^-Scale). Only ever decreases.</summary>
    public int Scale { get; private set; }

    /// <summary>The worst relative error of any quantile at the current scale, (base−1)/(base+1).</summary>
    public double RelativeError => ExponentialMapping.RelativeError(Scale);

    public long Count => _count;

    /// <summary>How many values are in the zero bucket.</summary>
    public long ZeroCount => _zeroCount;

    /// <summary>The widest zero threshold of the merged OTLP points that had zero-bucket values; 0 when zeros are exact.</summary>
    public double ZeroThreshold => _zeroThreshold;

    /// <summary>The sum of the values; 0 when empty. See <see cref="SumIsEstimated"/>.</summary>
    public double Sum => _sum;

    /// <summary>
    /// True when a merged histogram did not report its sum and its buckets' representatives stood in, which for
    /// positive values keeps Sum within the same relative error α (explicit histograms: their own bucket bound).
    /// </summary>
    public bool SumIsEstimated => _sumIsEstimated;

    /// <summary>
    /// The smallest value; NaN when empty. Exact for added values and for merged histograms that report their min;
    /// otherwise the representative of their lowest non-empty bucket.
    /// </summary>
    public double Min => _min;

    /// <summary>The largest value; NaN when empty. Exact or a representative, as for <see cref="Min"/>.</summary>
    public double Max => _max;

    /// <summary>(base−1)/(base+1) at <paramref name="scale"/>: the quantile error bound of a sketch at that scale.</summary>
    public static double RelativeErrorAtScale(int scale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, ExponentialMapping.MinScale);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, ExponentialMapping.MaxScale);
        return ExponentialMapping.RelativeError(scale);
    }

    /// <summary>
    /// Adds <paramref name="count"/> occurrences of <paramref name="value"/>. Allocates only while the bucket array
    /// is still growing. NaN and infinities are refused: they have no bucket and would poison Sum.
    /// </summary>
    public void Add(double value, long count = 1)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A sketch holds finite values only.");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (value == 0)
        {
            // -0.0 as +0.0, so that Min and Max do not depend on which zero came first.
            value = 0;
        }
        AddToBuckets(value, count);
        _count = checked(_count + count);
        _sum += value * count;
        if (_count == count)
        {
            _min = _max = value;
        }
        else if (value < _min)
        {
            _min = value;
        }
        else if (value > _max)
        {
            _max = value;
        }
    }

    /// <summary>
    /// Adds every value of <paramref name="other"/>: exact at the coarser of the two scales (lower still if the
    /// union would exceed this sketch's <see cref="MaxBuckets"/>). This sketch's limits apply to the result.
    /// </summary>
    public void Merge(LatencySketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._count == 0)
        {
            return;
        }
        if (ReferenceEquals(other, this))
        {
            other = Clone();
        }
        if (other._count > long.MaxValue - _count)
        {
            throw new OverflowException("The merged sketch would hold more than long.MaxValue values.");
        }
        var shift = MakeRoomFor(other.Scale, SpanOf(other._positive), SpanOf(other._negative));
        AddShifted(_positive, other._positive, shift);
        AddShifted(_negative, other._negative, shift);
        _zeroCount += other._zeroCount;
        _zeroThreshold = Math.Max(_zeroThreshold, other._zeroThreshold);
        _sum += other._sum;
        _sumIsEstimated |= other._sumIsEstimated;
        ObserveRange(other._count, other._min, other._max);
    }

    /// <summary>
    /// The nearest-rank quantile: an estimate of the value at 0-based rank ⌈q·Count⌉ − 1 of the sorted values (rank 0
    /// for q = 0), within <see cref="RelativeError"/> of it and clamped to [Min, Max]. q = 0 gives Min and q = 1 Max.
    /// NaN when the sketch is empty: no data is not a latency of zero.
    /// </summary>
    public double Quantile(double q)
    {
        if (!(q >= 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "A quantile lies in [0, 1].");
        }
        if (_count == 0)
        {
            return double.NaN;
        }
        var rank = Math.Clamp((long)Math.Ceiling(q * _count) - 1, 0, _count - 1);
        if (rank == 0)
        {
            return _min;
        }
        if (rank == _count - 1)
        {
            return _max;
        }
        return Math.Clamp(ValueAtRank(rank), _min, _max);
    }

    /// <summary>Empties the sketch but keeps its bucket arrays, so a reused sketch does not allocate again.</summary>
    public void Clear()
    {
        _positive.Clear();
        _negative.Clear();
        Scale = MaxScale;
        _count = 0;
        _zeroCount = 0;
        _zeroThreshold = 0;
        _sum = 0;
        _min = double.NaN;
        _max = double.NaN;
        _sumIsEstimated = false;
    }

    public LatencySketch Clone()
    {
        var copy = new LatencySketch(MaxScale, MaxBuckets)
        {
            Scale = Scale,
            _count = _count,
            _zeroCount = _zeroCount,
            _zeroThreshold = _zeroThreshold,
            _sum = _sum,
            _min = _min,
            _max = _max,
            _sumIsEstimated = _sumIsEstimated,
        };
        copy._positive.CopyFrom(_positive);
        copy._negative.CopyFrom(_negative);
        return copy;
    }

    public override string ToString() =>
        $"{_count} values, scale {Scale} (±{RelativeError:P3}), min {_min}, max {_max}";

    private void AddToBuckets(double value, long count)
    {
        if (value == 0)
        {
            _zeroCount = checked(_zeroCount + count);
            return;
        }
        var buckets = value > 0 ? _positive : _negative;
        var index = ExponentialMapping.MapToIndex(Math.Abs(value), Scale);
        if (!buckets.HasSlot(index))
        {
            var change = ChangeToFit(buckets, 0, new IndexSpan(index, index));
            if (change > 0)
            {
                Downscale(change);
                index >>= change;
            }
        }
        buckets.Add(index, count);
    }

    /// <summary>
    /// Lowers this sketch's scale so that buckets at <paramref name="sourceScale"/> spanning the given ranges fit
    /// beside its own, and reserves their slots. Returns how far to shift the source's indexes.
    /// </summary>
    private int MakeRoomFor(int sourceScale, IndexSpan? positive, IndexSpan? negative)
    {
        var target = Math.Min(Scale, sourceScale);
        var sourceShift = sourceScale - target;
        var change = Scale - target;
        var extra = 0;
        if (positive is { } p)
        {
            extra = Math.Max(extra, ChangeToFit(_positive, change, p >> sourceShift));
        }
        if (negative is { } n)
        {
            extra = Math.Max(extra, ChangeToFit(_negative, change, n >> sourceShift));
        }
        Downscale(change + extra);
        sourceShift += extra;
        if (positive is { } pos)
        {
            var shifted = pos >> sourceShift;
            _positive.Reserve(shifted.Lo, shifted.Hi);
        }
        if (negative is { } neg)
        {
            var shifted = neg >> sourceShift;
            _negative.Reserve(shifted.Lo, shifted.Hi);
        }
        return sourceShift;
    }

    /// <summary>
    /// How much further than <paramref name="change"/> this sketch's scale must drop for <paramref name="incoming"/>
    /// (already at scale Scale − change) and the populated range to span at most MaxBuckets indexes together.
    /// </summary>
    private int ChangeToFit(BucketRange buckets, int change, IndexSpan incoming)
    {
        var lo = incoming.Lo;
        var hi = incoming.Hi;
        if (!buckets.IsEmpty)
        {
            lo = Math.Min(lo, buckets.MinIndex >> change);
            hi = Math.Max(hi, buckets.MaxIndex >> change);
        }
        var extra = 0;
        while ((long)(hi >> extra) - (lo >> extra) + 1 > MaxBuckets)
        {
            extra++;
        }
        return extra;
    }

    private void Downscale(int change)
    {
        if (change == 0)
        {
            return;
        }
        // Unreachable with at least SmallestMaxBuckets buckets: at scale -10 every double is in one of three.
        if (Scale - change < ExponentialMapping.MinScale)
        {
            throw new InvalidOperationException($"Scale {Scale - change} is below the specification's minimum.");
        }
        _positive.Downscale(change);
        _negative.Downscale(change);
        Scale -= change;
    }

    private static IndexSpan? SpanOf(BucketRange buckets) =>
        buckets.IsEmpty ? null : new IndexSpan(buckets.MinIndex, buckets.MaxIndex);

    private static void AddShifted(BucketRange target, BucketRange source, int shift)
    {
        var counts = source.Populated;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0)
            {
                target.Add((source.MinIndex + i) >> shift, counts[i]);
            }
        }
    }

    private void ObserveRange(long count, double min, double max)
    {
        var wasEmpty = _count == 0;
        _count = checked(_count + count);
        _min = wasEmpty ? min : Math.Min(_min, min);
        _max = wasEmpty ? max : Math.Max(_max, max);
    }

    /// <summary>The representative of the bucket holding the value at 0-based <paramref name="rank"/>, in ascending value order.</summary>
    private double ValueAtRank(long rank)
    {
        var seen = 0L;
        // Negative values ascend as their magnitude's index descends.
        var negative = _negative.Populated;
        for (var i = negative.Length - 1; i >= 0; i--)
        {
            seen += negative[i];
            if (rank < seen)
            {
                return -ExponentialMapping.Representative(_negative.MinIndex + i, Scale);
            }
        }
        seen += _zeroCount;
        if (rank < seen)
        {
            return 0;
        }
        var positive = _positive.Populated;
        for (var i = 0; i < positive.Length; i++)
        {
            seen += positive[i];
            if (rank < seen)
            {
                return ExponentialMapping.Representative(_positive.MinIndex + i, Scale);
            }
        }
        return _max;
    }

    /// <summary>An inclusive range of bucket indexes.</summary>
    private readonly record struct IndexSpan(int Lo, int Hi)
    {
        public static IndexSpan operator >>(IndexSpan span, int shift) => new(span.Lo >> shift, span.Hi >> shift);
    }
}

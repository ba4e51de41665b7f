using System.Buffers.Binary;

namespace Observability.Core.Sketches;

/// <summary>
/// A mergeable latency sketch: the OpenTelemetry base-2 exponential histogram (OpenTelemetry metrics data model,
/// "ExponentialHistogram"). At scale s, bucket i holds values in (base^i, base^(i+1)] with base = 2^(2^-s).
/// Quantiles report the harmonic midpoint 2·L·U/(L+U) of their bucket, whose relative error for any value in
/// the bucket is at most (base-1)/(base+1): 0.27% at scale 7, 0.54% at scale 6, 1.08% at scale 5.
/// The sketch starts at <see cref="DefaultMaxScale"/> and halves its resolution (scale - 1, merging bucket pairs)
/// only when the values span more than <see cref="DefaultMaxBuckets"/> buckets; with the defaults it stays within
/// 1% for any data whose largest value is at most 2^32 times its smallest positive one (1 µs to 71 minutes).
/// Merging is exact at the coarser of the two scales: associative and commutative. Values ≤ 0 are counted in
/// the zero bucket and reported as 0.
/// </summary>
public sealed class LatencySketch
{
    public const int DefaultMaxScale = 7;
    public const int DefaultMaxBuckets = 4096;
    private const byte FormatVersion = 1;
    private const int MinScale = -10;

    private readonly int _maxBuckets;
    private long[] _counts = [];
    // Index of _counts[0]; the used window is [_first, _last], empty when _last < _first.
    private int _base;
    private int _first = 1;
    private int _last;

    public LatencySketch(int maxScale = DefaultMaxScale, int maxBuckets = DefaultMaxBuckets)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxScale, 20);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxScale, MinScale);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBuckets, 16);
        Scale = maxScale;
        _maxBuckets = maxBuckets;
    }

    /// <summary>The current scale: base = 2^(2^-Scale).</summary>
    public int Scale { get; private set; }

    public long Count { get; private set; }

    public long ZeroCount { get; private set; }

    public double Sum { get; private set; }

    /// <summary>Smallest value added; NaN when empty.</summary>
    public double Min { get; private set; } = double.NaN;

    /// <summary>Largest value added; NaN when empty.</summary>
    public double Max { get; private set; } = double.NaN;

    /// <summary>The worst relative error of a quantile at the current scale.</summary>
    public double RelativeErrorBound => RelativeErrorAt(Scale);

    public static double RelativeErrorAt(int scale)
    {
        var @base = Math.Pow(2, Math.Pow(2, -scale));
        return (@base - 1) / (@base + 1);
    }

    public void Add(double value, long count = 1)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A latency must be a finite number.");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Observe(value, count);
        if (value <= 0)
        {
            ZeroCount += count;
            return;
        }
        AddToBucket(MapToIndex(value, Scale), count);
    }

    public void Merge(LatencySketch other)
    {
        if (other.Count == 0)
        {
            return;
        }
        MergeBuckets(other.Scale, other._counts, other._base, other._first, other._last);
        ZeroCount += other.ZeroCount;
        Count += other.Count;
        Sum += other.Sum;
        Min = double.IsNaN(Min) ? other.Min : Math.Min(Min, other.Min);
        Max = double.IsNaN(Max) ? other.Max : Math.Max(Max, other.Max);
    }

    /// <summary>
    /// Merges an OTLP exponential-histogram data point exactly (at the coarser of its scale and this sketch's).
    /// Negative buckets are counted as zero: latencies are never negative.
    /// </summary>
    public void MergeExponentialHistogram(int scale, ulong zeroCount, int positiveOffset, IReadOnlyList<ulong> positiveBucketCounts,
        IReadOnlyList<ulong> negativeBucketCounts, double? sum, double? min, double? max)
    {
        var counts = positiveBucketCounts.Select(c => checked((long)c)).ToArray();
        var positive = counts.Sum();
        var zeros = checked((long)zeroCount) + negativeBucketCounts.Sum(c => checked((long)c));
        if (positive + zeros == 0)
        {
            return;
        }
        var first = Array.FindIndex(counts, c => c > 0);
        var last = Array.FindLastIndex(counts, c => c > 0);
        if (first >= 0)
        {
            MergeBuckets(scale, counts, positiveOffset, positiveOffset + first, positiveOffset + last);
        }
        ZeroCount += zeros;
        Count += positive + zeros;
        Sum += sum ?? 0;
        ObserveRange(min, max, scale, positiveOffset + first, positiveOffset + last, first >= 0, zeros > 0);
    }

    /// <summary>
    /// Merges an explicit-bucket histogram. Each bucket (lower, upper] is placed at its geometric midpoint
    /// √(lower·upper), the open-ended first and last buckets bounded by the point's min and max (or, when absent,
    /// by half the first bound and twice the last). A quantile that falls in such a bucket is therefore within a
    /// relative error of √(upper/lower) - 1 of the truth, plus the sketch's own bound: the histogram's bucket
    /// layout, not the sketch, limits the accuracy. Counts at or below zero go to the zero bucket.
    /// </summary>
    public void MergeExplicitHistogram(IReadOnlyList<double> explicitBounds, IReadOnlyList<ulong> bucketCounts, double? sum, double? min, double? max)
    {
        if (bucketCounts.Count != explicitBounds.Count + 1 && bucketCounts.Count != 0)
        {
            throw new ArgumentException($"{bucketCounts.Count} bucket counts need {bucketCounts.Count - 1} bounds, got {explicitBounds.Count}.", nameof(bucketCounts));
        }
        var total = 0L;
        for (var i = 0; i < bucketCounts.Count; i++)
        {
            var count = checked((long)bucketCounts[i]);
            if (count == 0)
            {
                continue;
            }
            total += count;
            var lower = i == 0 ? (min is > 0 ? min.Value : explicitBounds.Count > 0 ? explicitBounds[0] / 2 : 0) : explicitBounds[i - 1];
            var upper = i == explicitBounds.Count ? (max ?? (explicitBounds.Count > 0 ? explicitBounds[^1] * 2 : 0)) : explicitBounds[i];
            if (min is { } low && low > lower)
            {
                lower = low;
            }
            if (max is { } high && high < upper)
            {
                upper = high;
            }
            var at = lower > 0 && upper > 0 ? Math.Sqrt(lower * upper) : Math.Max(upper, 0);
            if (at <= 0)
            {
                ZeroCount += count;
            }
            else
            {
                AddToBucket(MapToIndex(at, Scale), count);
            }
        }
        if (total == 0)
        {
            return;
        }
        Count += total;
        Sum += sum ?? 0;
        if (min is { } minimum)
        {
            Min = double.IsNaN(Min) ? minimum : Math.Min(Min, minimum);
        }
        if (max is { } maximum)
        {
            Max = double.IsNaN(Max) ? maximum : Math.Max(Max, maximum);
        }
    }

    /// <summary>
    /// The nearest-rank quantile: the estimate of the value at rank ⌈q·Count⌉ in sorted order, clamped to
    /// [Min, Max]; q = 0 is Min and q = 1 is Max. NaN when the sketch is empty.
    /// </summary>
    public double Quantile(double q)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1);
        if (Count == 0)
        {
            return double.NaN;
        }
        if (q == 0 || q == 1)
        {
            return q == 0 ? Min : Max;
        }
        var rank = Math.Max(1, (long)Math.Ceiling(q * Count));
        var seen = ZeroCount;
        var estimate = 0.0;
        if (seen < rank)
        {
            for (var index = _first; index <= _last; index++)
            {
                seen += _counts[index - _base];
                if (seen >= rank)
                {
                    estimate = BucketMidpoint(index, Scale);
                    break;
                }
            }
        }
        return Clamp(estimate);
    }

    /// <summary>
    /// Compact form for storage: version, scale, counts and sum/min/max, then the non-empty buckets as
    /// (gap, count) varint pairs, so sparse sketches cost a few bytes per bucket.
    /// </summary>
    public byte[] ToBytes()
    {
        var buffer = new List<byte>(40 + (_last - _first + 1) * 2) { FormatVersion };
        WriteVarint(buffer, ZigZag(Scale));
        WriteVarint(buffer, (ulong)Count);
        WriteVarint(buffer, (ulong)ZeroCount);
        WriteDouble(buffer, Sum);
        WriteDouble(buffer, Min);
        WriteDouble(buffer, Max);
        var nonEmpty = 0;
        for (var index = _first; index <= _last; index++)
        {
            nonEmpty += _counts[index - _base] > 0 ? 1 : 0;
        }
        WriteVarint(buffer, (ulong)nonEmpty);
        var previous = 0;
        var firstWritten = true;
        for (var index = _first; index <= _last; index++)
        {
            var count = _counts[index - _base];
            if (count == 0)
            {
                continue;
            }
            WriteVarint(buffer, firstWritten ? ZigZag(index) : (ulong)(index - previous - 1));
            WriteVarint(buffer, (ulong)count);
            previous = index;
            firstWritten = false;
        }
        return [.. buffer];
    }

    public static LatencySketch FromBytes(ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(bytes);
        var version = reader.Byte();
        if (version != FormatVersion)
        {
            throw new FormatException($"Latency sketch format version {version} is not supported (expected {FormatVersion}).");
        }
        var scale = (int)UnZigZag(reader.Varint());
        if (scale is < MinScale or > 20)
        {
            throw new FormatException($"Latency sketch scale {scale} is out of range.");
        }
        var sketch = new LatencySketch(Math.Max(scale, MinScale));
        sketch.Count = checked((long)reader.Varint());
        sketch.ZeroCount = checked((long)reader.Varint());
        sketch.Sum = reader.Double();
        sketch.Min = reader.Double();
        sketch.Max = reader.Double();
        var nonEmpty = reader.Varint();
        if (nonEmpty > (ulong)DefaultMaxBuckets * 16)
        {
            throw new FormatException($"Latency sketch claims {nonEmpty} buckets.");
        }
        // Read every bucket first, then size the window once: a stored sketch is loaded for every rollup row a
        // query touches, so this path must not regrow its array bucket by bucket.
        var indexes = new int[(int)nonEmpty];
        var counts = new long[(int)nonEmpty];
        long index = 0;
        var bucketTotal = 0L;
        for (var i = 0; i < indexes.Length; i++)
        {
            index = i == 0 ? UnZigZag(reader.Varint()) : checked(index + 1 + (long)reader.Varint());
            var count = checked((long)reader.Varint());
            if (index is < int.MinValue or > int.MaxValue || count <= 0)
            {
                throw new FormatException("Latency sketch has a malformed bucket.");
            }
            indexes[i] = (int)index;
            counts[i] = count;
            bucketTotal += count;
        }
        if (indexes.Length > 0)
        {
            if ((long)indexes[^1] - indexes[0] + 1 > DefaultMaxBuckets * 16L)
            {
                throw new FormatException("Latency sketch spans too many buckets.");
            }
            sketch._counts = new long[indexes[^1] - indexes[0] + 1];
            sketch._base = sketch._first = indexes[0];
            sketch._last = indexes[^1];
            for (var i = 0; i < indexes.Length; i++)
            {
                sketch._counts[indexes[i] - sketch._base] = counts[i];
            }
        }
        if (!reader.AtEnd)
        {
            throw new FormatException("Latency sketch has trailing bytes.");
        }
        if (bucketTotal + sketch.ZeroCount != sketch.Count)
        {
            throw new FormatException($"Latency sketch counts disagree: {bucketTotal} in buckets + {sketch.ZeroCount} zeros != {sketch.Count}.");
        }
        return sketch;
    }

    /// <summary>The bucket index of a positive value at a scale, upper-inclusive as the specification defines.</summary>
    public static int MapToIndex(double value, int scale)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var significand = bits & 0xF_FFFF_FFFF_FFFFL;
        if (exponent == 0)
        {
            // Subnormal: far below any latency; file it with the smallest normal value.
            exponent = 1;
            significand = 0;
        }
        var base2Exponent = exponent - 1023;
        if (significand == 0)
        {
            // An exact power of two is the inclusive upper bound of the bucket below it.
            return scale >= 0 ? (base2Exponent << scale) - 1 : (base2Exponent - 1) >> -scale;
        }
        if (scale <= 0)
        {
            return base2Exponent >> -scale;
        }
        return (int)Math.Floor(Math.Log2(value) * (1 << scale));
    }

    /// <summary>The lower boundary base^index of a bucket.</summary>
    public static double LowerBoundary(int index, int scale) => Math.Pow(2, index * Math.Pow(2, -scale));

    private static double BucketMidpoint(int index, int scale)
    {
        var lower = LowerBoundary(index, scale);
        var upper = LowerBoundary(index + 1, scale);
        return 2 * lower * upper / (lower + upper);
    }

    private double Clamp(double estimate) => Math.Min(Math.Max(estimate, double.IsNaN(Min) ? estimate : Min), double.IsNaN(Max) ? estimate : Max);

    private void Observe(double value, long count)
    {
        Count += count;
        Sum += value * count;
        Min = double.IsNaN(Min) ? value : Math.Min(Min, value);
        Max = double.IsNaN(Max) ? value : Math.Max(Max, value);
    }

    /// <summary>Min and max of a merged point; when it omits them, its outermost bucket boundaries stand in.</summary>
    private void ObserveRange(double? min, double? max, int scale, int firstIndex, int lastIndex, bool hasPositive, bool hasZeros)
    {
        var low = min ?? (hasZeros || !hasPositive ? 0 : LowerBoundary(firstIndex, scale));
        var high = max ?? (hasPositive ? LowerBoundary(lastIndex + 1, scale) : 0);
        Min = double.IsNaN(Min) ? low : Math.Min(Min, low);
        Max = double.IsNaN(Max) ? high : Math.Max(Max, high);
    }

    private void MergeBuckets(int otherScale, long[] counts, int otherBase, int otherFirst, int otherLast)
    {
        if (otherLast < otherFirst)
        {
            return;
        }
        // Bring both to a common scale: the coarser of the two, then coarser still if the union would not fit.
        var shift = Math.Max(otherScale - Scale, 0);
        if (otherScale < Scale)
        {
            Downscale(Scale - otherScale);
        }
        var first = otherFirst >> shift;
        var last = otherLast >> shift;
        var empty = _last < _first;
        var extra = 0;
        while (((Math.Max(last, empty ? last : _last) >> extra) - (Math.Min(first, empty ? first : _first) >> extra)) + 1 > _maxBuckets)
        {
            extra++;
        }
        if (extra > 0)
        {
            Downscale(extra);
            shift += extra;
            first = otherFirst >> shift;
            last = otherLast >> shift;
        }
        EnsureWindow(first, last);
        for (var index = otherFirst; index <= otherLast; index++)
        {
            var count = counts[index - otherBase];
            if (count > 0)
            {
                _counts[(index >> shift) - _base] += count;
            }
        }
        _first = _last < _first ? first : Math.Min(_first, first);
        _last = Math.Max(_last, last);
    }

    private void AddToBucket(int index, long count)
    {
        if (_last >= _first)
        {
            var shift = 0;
            while (((Math.Max(index, _last) >> shift) - (Math.Min(index, _first) >> shift)) + 1 > _maxBuckets)
            {
                shift++;
            }
            if (shift > 0)
            {
                Downscale(shift);
                index >>= shift;
            }
        }
        EnsureWindow(index, index);
        _counts[index - _base] += count;
        if (_last < _first)
        {
            _first = _last = index;
        }
        else
        {
            _first = Math.Min(_first, index);
            _last = Math.Max(_last, index);
        }
    }

    /// <summary>Lowers the scale by <paramref name="by"/>, merging each 2^by adjacent buckets into one.</summary>
    private void Downscale(int by)
    {
        if (by <= 0)
        {
            return;
        }
        if (Scale - by < MinScale)
        {
            throw new InvalidOperationException("The values span too wide a range for a latency sketch.");
        }
        Scale -= by;
        if (_last < _first)
        {
            return;
        }
        var first = _first >> by;
        var last = _last >> by;
        var merged = new long[last - first + 1];
        for (var index = _first; index <= _last; index++)
        {
            merged[(index >> by) - first] += _counts[index - _base];
        }
        _counts = merged;
        _base = first;
        _first = first;
        _last = last;
    }

    /// <summary>Grows the backing array so that [first, last] are addressable, doubling to keep adds amortized O(1).</summary>
    private void EnsureWindow(int first, int last)
    {
        if (_counts.Length > 0 && first >= _base && last < _base + _counts.Length)
        {
            return;
        }
        var low = _last >= _first ? Math.Min(first, _first) : first;
        var high = _last >= _first ? Math.Max(last, _last) : last;
        var needed = high - low + 1;
        var length = Math.Max(needed, Math.Max(16, _counts.Length * 2));
        // Slack on both sides, so values drifting either way do not reallocate every time.
        var newBase = low - (length - needed) / 2;
        var grown = new long[length];
        if (_last >= _first)
        {
            Array.Copy(_counts, _first - _base, grown, _first - newBase, _last - _first + 1);
        }
        _counts = grown;
        _base = newBase;
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    private static void WriteVarint(List<byte> buffer, ulong value)
    {
        while (value >= 0x80)
        {
            buffer.Add((byte)(value | 0x80));
            value >>= 7;
        }
        buffer.Add((byte)value);
    }

    private static void WriteDouble(List<byte> buffer, double value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        foreach (var b in bytes)
        {
            buffer.Add(b);
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public readonly bool AtEnd => _at == _bytes.Length;

        public byte Byte() => _at < _bytes.Length ? _bytes[_at++] : throw Truncated();

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = Byte();
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
            throw new FormatException("Latency sketch has a varint longer than 64 bits.");
        }

        public double Double()
        {
            if (_at + 8 > _bytes.Length)
            {
                throw Truncated();
            }
            var value = BinaryPrimitives.ReadDoubleLittleEndian(_bytes[_at..]);
            _at += 8;
            return value;
        }

        private static FormatException Truncated() => new("Latency sketch bytes are truncated.");
    }
}

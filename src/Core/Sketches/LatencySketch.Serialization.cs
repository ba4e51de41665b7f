using System.Buffers.Binary;

namespace Observability.Core.Sketches;

/// <summary>The storage form of the sketch.</summary>
public sealed partial class LatencySketch
{
    // Version 1 was an earlier layout, (gap, count) pairs without the sketch's limits; its bytes are refused.
    private const byte FormatVersion = 2;
    private const byte SumIsEstimatedFlag = 1;
    private const byte ZeroThresholdFlag = 2;

    /// <summary>
    /// The compact storage form (version 2), canonical: equal sketches give equal bytes. Layout: version byte, flags
    /// byte (1 = sum estimated, 2 = zero threshold follows); varints (LEB128, signed ones zigzag): max scale, max
    /// buckets, scale; the zero threshold as a little-endian double when flagged; zero count; then the positive and the
    /// negative buckets, each as the number of slots from the first to the last non-empty bucket and, when not 0, the
    /// first bucket's index and one token per non-empty bucket (2·count) or per run of n empty ones (2·(n−1)+1);
    /// last, unless the sketch is empty, sum, min and max as little-endian doubles. A count below 64 costs one byte
    /// and so does a run of up to 64 empty buckets; the size is bounded by MaxBuckets.
    /// </summary>
    public byte[] ToBytes()
    {
        // One pass into a per-thread buffer that surely fits, then a copy: the ingest writer serializes every touched
        // rollup row on every commit, and walking the buckets twice (measure, then write) cost twice as much.
        var bound = 64 + 10 * (_positive.Populated.Length + _negative.Populated.Length);
        var buffer = t_serializeBuffer is { } reused && reused.Length >= bound ? reused : t_serializeBuffer = new byte[Math.Max(bound, 1024)];
        var writer = new SketchWriter(buffer);
        Write(ref writer);
        return buffer.AsSpan(0, writer.Position).ToArray();
    }

    [ThreadStatic]
    private static byte[]? t_serializeBuffer;

    /// <summary>Reads what <see cref="ToBytes"/> wrote.</summary>
    /// <exception cref="FormatException">The bytes are truncated, from an unknown version, or inconsistent; the message names the field.</exception>
    public static LatencySketch FromBytes(ReadOnlySpan<byte> bytes)
    {
        var (maxScale, maxBuckets) = ReadLimits(bytes);
        var sketch = new LatencySketch(maxScale, maxBuckets);
        sketch.Load(bytes);
        return sketch;
    }

    [ThreadStatic]
    private static LatencySketch? t_scratch;

    /// <summary>
    /// Merges a stored sketch without keeping a sketch object per stored row: the bytes are decoded into a
    /// per-thread scratch sketch whose arrays are reused. Queries that merge thousands of rollup rows use this.
    /// </summary>
    public void MergeBytes(ReadOnlySpan<byte> bytes)
    {
        var (maxScale, maxBuckets) = ReadLimits(bytes);
        var scratch = t_scratch is { } reused && reused.MaxScale == maxScale && reused.MaxBuckets == maxBuckets && !ReferenceEquals(reused, this)
            ? reused
            : t_scratch = new LatencySketch(maxScale, maxBuckets);
        scratch.Load(bytes);
        Merge(scratch);
    }

    private static (int MaxScale, int MaxBuckets) ReadLimits(ReadOnlySpan<byte> bytes)
    {
        var reader = new SketchReader(bytes);
        var version = reader.Byte("version");
        if (version != FormatVersion)
        {
            throw Corrupt($"format version {version} is not supported (this build reads version {FormatVersion})");
        }
        var flags = reader.Byte("flags");
        if ((flags & ~(SumIsEstimatedFlag | ZeroThresholdFlag)) != 0)
        {
            throw Corrupt($"unknown flags 0x{flags:x2}");
        }
        var maxScale = (int)reader.Signed("max scale", ExponentialMapping.MinScale, ExponentialMapping.MaxScale);
        var maxBuckets = (int)reader.Unsigned("max buckets", SmallestMaxBuckets, LargestMaxBuckets);
        return (maxScale, maxBuckets);
    }

    /// <summary>Replaces this sketch's content with the stored one; its limits must be the ones the bytes carry.</summary>
    private void Load(ReadOnlySpan<byte> bytes)
    {
        Clear();
        var reader = new SketchReader(bytes);
        reader.Byte("version");
        var flags = reader.Byte("flags");
        reader.Signed("max scale", ExponentialMapping.MinScale, ExponentialMapping.MaxScale);
        reader.Unsigned("max buckets", SmallestMaxBuckets, LargestMaxBuckets);
        var sketch = this;
        sketch.Scale = (int)reader.Signed("scale", ExponentialMapping.MinScale, MaxScale);
        sketch._sumIsEstimated = (flags & SumIsEstimatedFlag) != 0;
        if ((flags & ZeroThresholdFlag) != 0)
        {
            sketch._zeroThreshold = reader.Double("zero threshold");
            if (!double.IsFinite(sketch._zeroThreshold) || sketch._zeroThreshold <= 0)
            {
                throw Corrupt($"zero threshold {sketch._zeroThreshold} is not a positive number");
            }
        }
        sketch._zeroCount = (long)reader.Unsigned("zero count", 0, long.MaxValue);
        var total = sketch._zeroCount;
        total = AddCount(total, ReadBuckets(ref reader, sketch._positive, "positive", sketch.Scale, MaxBuckets));
        total = AddCount(total, ReadBuckets(ref reader, sketch._negative, "negative", sketch.Scale, MaxBuckets));
        sketch._count = total;
        if (total > 0)
        {
            sketch._sum = reader.Double("sum");
            sketch._min = reader.Double("min");
            sketch._max = reader.Double("max");
            if (!double.IsFinite(sketch._sum) || !double.IsFinite(sketch._min) || !double.IsFinite(sketch._max) || sketch._min > sketch._max)
            {
                throw Corrupt($"sum {sketch._sum}, min {sketch._min}, max {sketch._max} are not finite with min ≤ max");
            }
        }
        else if (flags != 0)
        {
            throw Corrupt("an empty sketch has flags set");
        }
        if (!reader.AtEnd)
        {
            throw Corrupt($"{reader.Remaining} bytes follow the end of the sketch");
        }
    }

    private void Write(ref SketchWriter writer)
    {
        var flags = (byte)((_sumIsEstimated ? SumIsEstimatedFlag : 0) | (_zeroThreshold > 0 ? ZeroThresholdFlag : 0));
        writer.Byte(FormatVersion);
        writer.Byte(flags);
        writer.Signed(MaxScale);
        writer.Unsigned((ulong)MaxBuckets);
        writer.Signed(Scale);
        if (_zeroThreshold > 0)
        {
            writer.Double(_zeroThreshold);
        }
        writer.Unsigned((ulong)_zeroCount);
        WriteBuckets(ref writer, _positive);
        WriteBuckets(ref writer, _negative);
        if (_count > 0)
        {
            writer.Double(_sum);
            writer.Double(_min);
            writer.Double(_max);
        }
    }

    private static void WriteBuckets(ref SketchWriter writer, BucketRange buckets)
    {
        var counts = buckets.Populated;
        writer.Unsigned((ulong)counts.Length);
        if (counts.IsEmpty)
        {
            return;
        }
        writer.Signed(buckets.MinIndex);
        var i = 0;
        while (i < counts.Length)
        {
            if (counts[i] != 0)
            {
                writer.Unsigned((ulong)counts[i] << 1);
                i++;
                continue;
            }
            var run = 1;
            while (counts[i + run] == 0)
            {
                run++;
            }
            writer.Unsigned(((ulong)(run - 1) << 1) | 1);
            i += run;
        }
    }

    private static long ReadBuckets(ref SketchReader reader, BucketRange buckets, string sign, int scale, int maxBuckets)
    {
        var positive = sign == "positive";
        var length = (int)reader.Unsigned(positive ? "positive bucket count" : "negative bucket count", 0, (ulong)maxBuckets);
        if (length == 0)
        {
            return 0;
        }
        var first = (int)reader.Signed(positive ? "positive first bucket" : "negative first bucket",
            ExponentialMapping.MinIndex(scale), ExponentialMapping.MaxIndex(scale) - length + 1);
        buckets.Reserve(first, first + length - 1);
        var total = 0L;
        var slot = 0;
        var afterRun = false;
        while (slot < length)
        {
            // The field's name is only formatted for an error: this loop runs once per stored bucket.
            if (!reader.TryVarint(out var token, out var tooLong))
            {
                throw VarintProblem(tooLong, $"{sign} bucket {slot}");
            }
            if ((token & 1) == 0)
            {
                var count = (long)(token >> 1);
                if (count == 0)
                {
                    throw Corrupt($"{sign} bucket {slot} has a count of zero (empty buckets are written as runs)");
                }
                buckets.Add(first + slot, count);
                total = AddCount(total, count);
                slot++;
                afterRun = false;
                continue;
            }
            var run = (token >> 1) + 1;
            // A canonical range starts and ends with a non-empty bucket and never has two runs in a row.
            if (slot == 0 || afterRun || run > (ulong)(length - 1 - slot))
            {
                throw Corrupt($"{sign} bucket {slot} starts a misplaced run of {run} empty buckets");
            }
            slot += (int)run;
            afterRun = true;
        }
        return total;
    }

    private static long AddCount(long total, long count) =>
        count <= long.MaxValue - total ? total + count : throw Corrupt("the counts add up to more than 2^63 - 1");

    private static FormatException Corrupt(string problem) => new($"Latency sketch bytes: {problem}.");

    private static FormatException VarintProblem(bool tooLong, string field) =>
        Corrupt(tooLong ? $"the {field} is a varint longer than 64 bits" : $"they end inside the {field}");

    /// <summary>Writes into a buffer the caller sized for the sketch's upper bound.</summary>
    private ref struct SketchWriter(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;

        public int Position { get; private set; }

        public void Byte(byte value) => _destination[Position++] = value;

        public void Unsigned(ulong value)
        {
            while (value >= 0x80)
            {
                _destination[Position++] = (byte)(value | 0x80);
                value >>= 7;
            }
            _destination[Position++] = (byte)value;
        }

        public void Signed(long value) => Unsigned((ulong)((value << 1) ^ (value >> 63)));

        public void Double(double value)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(_destination[Position..], value);
            Position += sizeof(double);
        }
    }

    private ref struct SketchReader(ReadOnlySpan<byte> source)
    {
        private readonly ReadOnlySpan<byte> _source = source;
        private int _position;

        public readonly bool AtEnd => _position == _source.Length;

        public readonly int Remaining => _source.Length - _position;

        public byte Byte(string field) =>
            _position < _source.Length ? _source[_position++] : throw Corrupt($"they end before the {field}");

        public ulong Unsigned(string field, ulong min, ulong max)
        {
            if (!TryVarint(out var value, out var tooLong))
            {
                throw VarintProblem(tooLong, field);
            }
            return value >= min && value <= max ? value : throw Corrupt($"the {field} {value} is outside [{min}, {max}]");
        }

        /// <summary>Reads a LEB128 varint; false when the bytes end inside it or it is longer than 64 bits.</summary>
        public bool TryVarint(out ulong value, out bool tooLong)
        {
            value = 0;
            tooLong = false;
            for (var shift = 0; _position < _source.Length; shift += 7)
            {
                var b = _source[_position++];
                if (shift == 63 && b > 1)
                {
                    tooLong = true;
                    return false;
                }
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return true;
                }
            }
            return false;
        }

        public long Signed(string field, long min, long max)
        {
            var raw = Unsigned(field, 0, ulong.MaxValue);
            var value = (long)(raw >> 1) ^ -(long)(raw & 1);
            return value >= min && value <= max ? value : throw Corrupt($"the {field} {value} is outside [{min}, {max}]");
        }

        public double Double(string field)
        {
            if (_source.Length - _position < sizeof(double))
            {
                throw Corrupt($"they end inside the {field}");
            }
            var value = BinaryPrimitives.ReadDoubleLittleEndian(_source[_position..]);
            _position += sizeof(double);
            return value;
        }
    }
}

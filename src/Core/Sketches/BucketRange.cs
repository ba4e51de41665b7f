using System.Diagnostics;

namespace Observability.Core.Sketches;

/// <summary>
/// The counts of one sign's buckets: a window of an array that grows geometrically up to the bucket limit,
/// with zeros everywhere outside the populated range [<see cref="MinIndex"/>, <see cref="MaxIndex"/>].
/// </summary>
internal sealed class BucketRange
{
    private const int InitialCapacity = 16;

    private readonly int _maxBuckets;
    private long[] _counts = [];

    // The bucket index that _counts[0] holds.
    private int _origin;

    public BucketRange(int maxBuckets) => _maxBuckets = maxBuckets;

    public bool IsEmpty { get; private set; } = true;

    public int MinIndex { get; private set; }

    public int MaxIndex { get; private set; }

    /// <summary>The counts of buckets MinIndex..MaxIndex; empty when the range is.</summary>
    public ReadOnlySpan<long> Populated => IsEmpty ? [] : _counts.AsSpan(MinIndex - _origin, MaxIndex - MinIndex + 1);

    /// <summary>Whether <paramref name="index"/> already has a slot, so adding there needs neither room nor a check.</summary>
    public bool HasSlot(int index) => (uint)(index - _origin) < (uint)_counts.Length;

    public void Add(int index, long count)
    {
        if (!HasSlot(index))
        {
            Reserve(index, index);
        }
        ref var slot = ref _counts[index - _origin];
        slot = checked(slot + count);
        if (IsEmpty)
        {
            MinIndex = MaxIndex = index;
            IsEmpty = false;
        }
        else if (index < MinIndex)
        {
            MinIndex = index;
        }
        else if (index > MaxIndex)
        {
            MaxIndex = index;
        }
    }

    /// <summary>Makes slots for [lo, hi] beside the populated range; the caller has checked that the union fits.</summary>
    public void Reserve(int lo, int hi)
    {
        if (!IsEmpty)
        {
            lo = Math.Min(lo, MinIndex);
            hi = Math.Max(hi, MaxIndex);
        }
        if (HasSlot(lo) && HasSlot(hi))
        {
            return;
        }
        var span = hi - lo + 1;
        Debug.Assert(span > 0 && span <= _maxBuckets, "The caller downscales before the range outgrows the limit.");
        var length = _counts.Length;
        if (span > length)
        {
            length = Math.Min(_maxBuckets, Math.Max(span, Math.Max(InitialCapacity, 2 * length)));
        }
        // Centre the range, so that growth in either direction finds slack.
        var origin = lo - (length - span) / 2;
        if (length != _counts.Length)
        {
            var grown = new long[length];
            if (!IsEmpty)
            {
                Array.Copy(_counts, MinIndex - _origin, grown, MinIndex - origin, MaxIndex - MinIndex + 1);
            }
            _counts = grown;
        }
        else if (!IsEmpty)
        {
            var from = MinIndex - _origin;
            var to = MinIndex - origin;
            var populated = MaxIndex - MinIndex + 1;
            Array.Copy(_counts, from, _counts, to, populated);
            // Zero the slots the move vacated, keeping the invariant that only the populated range is non-zero.
            if (to > from)
            {
                Array.Clear(_counts, from, Math.Min(to - from, populated));
            }
            else
            {
                var keepEnd = to + populated;
                var clearFrom = Math.Max(keepEnd, from);
                Array.Clear(_counts, clearFrom, from + populated - clearFrom);
            }
        }
        _origin = origin;
    }

    /// <summary>Merges each 2^change adjacent buckets into one, in place: bucket i becomes bucket i >> change.</summary>
    public void Downscale(int change)
    {
        if (IsEmpty || change == 0)
        {
            return;
        }
        var newMin = MinIndex >> change;
        var newMax = MaxIndex >> change;
        // Compact towards slot 0. A bucket's target slot never lies after its own, and slots are visited in order,
        // so every slot is read before anything is written into it.
        for (var index = MinIndex; index <= MaxIndex; index++)
        {
            var slot = index - _origin;
            var count = _counts[slot];
            if (count == 0)
            {
                continue;
            }
            _counts[slot] = 0;
            _counts[(index >> change) - newMin] += count;
        }
        _origin = newMin;
        MinIndex = newMin;
        MaxIndex = newMax;
    }

    public void Clear()
    {
        if (!IsEmpty)
        {
            Array.Clear(_counts, MinIndex - _origin, MaxIndex - MinIndex + 1);
            IsEmpty = true;
        }
    }

    public void CopyFrom(BucketRange source)
    {
        Clear();
        if (source.IsEmpty)
        {
            return;
        }
        Reserve(source.MinIndex, source.MaxIndex);
        source.Populated.CopyTo(_counts.AsSpan(source.MinIndex - _origin));
        MinIndex = source.MinIndex;
        MaxIndex = source.MaxIndex;
        IsEmpty = false;
    }
}

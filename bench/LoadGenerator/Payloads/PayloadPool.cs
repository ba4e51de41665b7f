using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Google.Protobuf;
using Observability.Bench.LoadGenerator.Telemetry;

namespace Observability.Bench.LoadGenerator.Payloads;

/// <summary>One pre-encoded export and what is needed to make it look new.</summary>
internal sealed class Payload(byte[] bytes, PayloadLayout layout, long encodedAtUnixNanos)
{
    private ulong _appliedSalt;
    private long _appliedShiftNanos;

    public byte[] Bytes { get; } = bytes;

    public int SpanCount => layout.SpanCount;

    /// <summary>
    /// Gives every trace and span id a new value and moves every timestamp so the newest span ends about now.
    /// Ids are XORed with a salt unique to this export: distinct ids stay distinct within the export, and two
    /// exports share an id only if two random 64-bit values happen to collide. Parent and link ids get the same
    /// salt as the span ids they point at, so the trace trees stay intact.
    /// </summary>
    public void Refresh(ulong salt, long nowUnixNanos)
    {
        var idDelta = salt ^ _appliedSalt;
        _appliedSalt = salt;
        var bytes = Bytes.AsSpan();
        foreach (var offset in layout.TraceIdOffsets)
        {
            Xor(bytes.Slice(offset, 8), idDelta);
        }
        foreach (var offset in layout.SpanIdOffsets)
        {
            Xor(bytes.Slice(offset, 8), idDelta);
        }

        var shift = nowUnixNanos - encodedAtUnixNanos;
        var timeDelta = shift - _appliedShiftNanos;
        _appliedShiftNanos = shift;
        foreach (var offset in layout.TimeOffsets)
        {
            var time = bytes.Slice(offset, 8);
            BinaryPrimitives.WriteUInt64LittleEndian(time, (ulong)((long)BinaryPrimitives.ReadUInt64LittleEndian(time) + timeDelta));
        }
    }

    private static void Xor(Span<byte> id, ulong delta) =>
        BinaryPrimitives.WriteUInt64LittleEndian(id, BinaryPrimitives.ReadUInt64LittleEndian(id) ^ delta);
}

/// <summary>
/// A fixed set of pre-encoded exports that exporters rent, refresh in place and send. Nothing is encoded or
/// allocated per export: refreshing rewrites ids and times at known offsets (about 1,500 eight-byte writes for
/// 512 spans). There are more payloads than exporters, so a payload being sent is never rewritten.
/// </summary>
internal sealed class PayloadPool
{
    private readonly ConcurrentQueue<Payload> _free = new();
    private readonly ulong _runKey = BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8));
    private long _exports;

    private PayloadPool(IReadOnlyList<Payload> payloads)
    {
        foreach (var payload in payloads)
        {
            _free.Enqueue(payload);
        }
        Count = payloads.Count;
        AverageBytes = payloads.Average(payload => (double)payload.Bytes.Length);
        AverageSpans = payloads.Average(payload => (double)payload.SpanCount);
    }

    public int Count { get; }

    public double AverageBytes { get; }

    public double AverageSpans { get; }

    /// <summary>Generates and encodes <paramref name="count"/> exports of <paramref name="spansPerExport"/> spans each.</summary>
    public static PayloadPool Create(int count, int spansPerExport, int seed)
    {
        var instances = ShopServices.Instances(new Random(seed));
        var payloads = new Payload[count];
        Parallel.For(0, count, index =>
        {
            var now = UnixNanosNow();
            var request = new TraceFactory(HashCode.Combine(seed, index), instances).CreateExport(spansPerExport, now);
            var bytes = request.ToByteArray();
            var layout = PayloadLayout.Of(bytes);
            if (layout.SpanCount != spansPerExport)
            {
                throw new InvalidOperationException($"Payload {index} holds {layout.SpanCount} spans, expected {spansPerExport}.");
            }
            payloads[index] = new Payload(bytes, layout, now);
        });
        return new PayloadPool(payloads);
    }

    /// <summary>Takes a payload for one export and refreshes its ids and times; give it back with <see cref="Return"/>.</summary>
    public Payload Rent()
    {
        if (!_free.TryDequeue(out var payload))
        {
            throw new InvalidOperationException("More payloads are in flight than the pool holds.");
        }
        payload.Refresh(SplitMix64(_runKey + (ulong)Interlocked.Increment(ref _exports)), UnixNanosNow());
        return payload;
    }

    public void Return(Payload payload) => _free.Enqueue(payload);

    public static long UnixNanosNow() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;

    /// <summary>A bijective mix: consecutive counters give unrelated-looking salts, and distinct counters distinct salts.</summary>
    private static ulong SplitMix64(ulong value)
    {
        value += 0x9E3779B97F4A7C15;
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EB;
        return value ^ (value >> 31);
    }
}

namespace Observability.Bench.LoadGenerator.Payloads;

/// <summary>
/// Where the ids and timestamps sit inside an encoded ExportTraceServiceRequest. Trace and span ids are
/// length-delimited fields of fixed size and times are fixed64, so both can be rewritten in place without
/// re-encoding anything around them.
/// </summary>
internal sealed class PayloadLayout
{
    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int LengthDelimited = 2;
    private const int Fixed32 = 5;

    private readonly List<int> _traceIds = [];
    private readonly List<int> _spanIds = [];
    private readonly List<int> _times = [];

    /// <summary>Offsets of the 16 bytes of every trace id (of spans and of links).</summary>
    public int[] TraceIdOffsets { get; private set; } = [];

    /// <summary>Offsets of the 8 bytes of every span id, parent span id and link span id.</summary>
    public int[] SpanIdOffsets { get; private set; } = [];

    /// <summary>Offsets of every fixed64 time: span start and end, event time.</summary>
    public int[] TimeOffsets { get; private set; } = [];

    public int SpanCount { get; private set; }

    /// <summary>Walks the encoded request; throws <see cref="FormatException"/> on anything that is not valid protobuf.</summary>
    public static PayloadLayout Of(byte[] payload)
    {
        var layout = new PayloadLayout();
        layout.Walk(payload, 0, payload.Length, Message.Request);
        layout.TraceIdOffsets = [.. layout._traceIds];
        layout.SpanIdOffsets = [.. layout._spanIds];
        layout.TimeOffsets = [.. layout._times];
        return layout;
    }

    private enum Message
    {
        Request,
        ResourceSpans,
        ScopeSpans,
        Span,
        Event,
        Link,
    }

    private void Walk(byte[] data, int position, int end, Message message)
    {
        if (message == Message.Span)
        {
            SpanCount++;
        }
        while (position < end)
        {
            var tag = ReadVarint(data, ref position);
            var field = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            switch (wireType)
            {
                case Varint:
                    ReadVarint(data, ref position);
                    break;
                case Fixed64:
                    if ((message, field) is (Message.Span, 7 or 8) or (Message.Event, 1))
                    {
                        _times.Add(position);
                    }
                    position += 8;
                    break;
                case Fixed32:
                    position += 4;
                    break;
                case LengthDelimited:
                    var length = checked((int)ReadVarint(data, ref position));
                    if (length < 0 || position + length > end)
                    {
                        throw new FormatException($"A field at offset {position} runs past its message.");
                    }
                    switch (message, field, length)
                    {
                        case (Message.Request, 1, _): Walk(data, position, position + length, Message.ResourceSpans); break;
                        case (Message.ResourceSpans, 2, _): Walk(data, position, position + length, Message.ScopeSpans); break;
                        case (Message.ScopeSpans, 2, _): Walk(data, position, position + length, Message.Span); break;
                        case (Message.Span, 11, _): Walk(data, position, position + length, Message.Event); break;
                        case (Message.Span, 13, _): Walk(data, position, position + length, Message.Link); break;
                        case (Message.Span or Message.Link, 1, 16): _traceIds.Add(position); break;
                        case (Message.Span or Message.Link, 2, 8): _spanIds.Add(position); break;
                        case (Message.Span, 4, 8): _spanIds.Add(position); break;
                    }
                    position += length;
                    break;
                default:
                    throw new FormatException($"Wire type {wireType} at offset {position} is not supported.");
            }
        }
        if (position != end)
        {
            throw new FormatException("A message's last field runs past its end.");
        }
    }

    private static ulong ReadVarint(byte[] data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new FormatException($"A varint at offset {position} is longer than 10 bytes.");
    }
}

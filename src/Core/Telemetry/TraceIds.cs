namespace Observability.Core.Telemetry;

/// <summary>Validation and text form of W3C trace and span ids.</summary>
public static class TraceIds
{
    public const int TraceIdLength = 16;
    public const int SpanIdLength = 8;

    public static bool IsValidTraceId(ReadOnlySpan<byte> id) => id.Length == TraceIdLength && id.ContainsAnyExcept((byte)0);

    public static bool IsValidSpanId(ReadOnlySpan<byte> id) => id.Length == SpanIdLength && id.ContainsAnyExcept((byte)0);

    public static string ToHex(ReadOnlySpan<byte> id) => Convert.ToHexStringLower(id);

    public static byte[] FromHex(string hex) => Convert.FromHexString(hex);
}

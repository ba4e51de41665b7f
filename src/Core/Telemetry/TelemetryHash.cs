using System.IO.Hashing;
using System.Text;

namespace Observability.Core.Telemetry;

/// <summary>Content hashing for deduplicated storage of resources.</summary>
public static class TelemetryHash
{
    public static long Of(params string[] parts)
    {
        var hash = new XxHash64();
        Span<byte> separator = [0];
        foreach (var part in parts)
        {
            hash.Append(Encoding.UTF8.GetBytes(part));
            hash.Append(separator);
        }
        return (long)hash.GetCurrentHashAsUInt64();
    }
}

using System.Globalization;

namespace Observability.Core.Telemetry;

/// <summary>Unix-epoch nanoseconds, the time unit of OTLP and of the stores.</summary>
public static class UnixTime
{
    public static long Nanos(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    public static DateTimeOffset ToDateTimeOffset(long unixNanos) => DateTimeOffset.UnixEpoch.AddTicks(unixNanos / 100);

    /// <summary>RFC 3339 in UTC with as many fractional digits as needed, down to nanoseconds.</summary>
    public static string Format(long unixNanos)
    {
        var seconds = Math.DivRem(unixNanos, 1_000_000_000, out var fraction);
        if (fraction < 0)
        {
            seconds--;
            fraction += 1_000_000_000;
        }
        var text = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return fraction == 0 ? text + "Z" : text + "." + fraction.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0') + "Z";
    }
}

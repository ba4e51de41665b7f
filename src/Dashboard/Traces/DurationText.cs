using System.Globalization;

namespace Observability.Dashboard.Traces;

/// <summary>Span durations as people read them: "850 µs", "12.3 ms", "1.25 s", "2 min 5 s".</summary>
public static class DurationText
{
    public static string Format(long nanos)
    {
        var culture = CultureInfo.InvariantCulture;
        return Math.Abs(nanos) switch
        {
            < 1_000 => nanos.ToString(culture) + " ns",
            < 1_000_000 => (nanos / 1e3).ToString("0.#", culture) + " µs",
            < 1_000_000_000 => (nanos / 1e6).ToString("0.#", culture) + " ms",
            < 60_000_000_000 => (nanos / 1e9).ToString("0.##", culture) + " s",
            _ => $"{nanos / 60_000_000_000} min {nanos % 60_000_000_000 / 1_000_000_000} s",
        };
    }

    /// <summary>A UTC time to the millisecond: "2026-11-26 05:31:12.345 UTC".</summary>
    public static string Time(long unixNanos) =>
        DateTimeOffset.UnixEpoch.AddTicks(unixNanos / 100).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + " UTC";
}

using System.Globalization;

namespace Observability.Collector.Query;

/// <summary>
/// Parameters of the JSON query API: times as RFC 3339 or Unix milliseconds, durations as Go-style text
/// (<c>250ms</c>, <c>10s</c>, <c>1m30s</c>, <c>2h</c>, parsed by <see cref="GoDuration"/>) or plain seconds; every error names the parameter.
/// </summary>
public static class QueryParameters
{
    public static IResult BadRequest(string error) => Results.BadRequest(new { error });

    public static bool TryTime(string? text, string name, DateTimeOffset fallback, out DateTimeOffset value, out string error)
    {
        error = "";
        value = fallback;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var unixMilliseconds)
            && unixMilliseconds is >= -62_135_596_800_000 and <= 253_402_300_799_999)
        {
            value = DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);
            return true;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value))
        {
            return true;
        }
        error = $"{name} '{text}' is not a time; use RFC 3339 (2026-11-25T12:00:00Z) or Unix milliseconds";
        return false;
    }

    public static bool TryDuration(string? text, string name, out TimeSpan value, out string error)
    {
        error = "";
        value = default;
        if (!string.IsNullOrWhiteSpace(text))
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds < 1e9)
            {
                value = TimeSpan.FromSeconds(seconds);
                return true;
            }
            if (GoDuration.TryParseNanos(text, out var nanos) && nanos >= 100)
            {
                value = TimeSpan.FromTicks(nanos / 100);
                return true;
            }
        }
        error = $"{name} '{text}' is not a positive duration; use e.g. 300ms, 10s, 1m30s or 2h";
        return false;
    }
}

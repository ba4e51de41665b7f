using Observability.Core.Telemetry;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace Observability.Collector.Query;

/// <summary>
/// Reads query-string parameters for the trace, log and metric endpoints, throwing <see cref="QueryParameterException"/>
/// with a message naming the parameter and the accepted form. Times follow the API's convention
/// (<see cref="QueryParameters"/>: RFC 3339 or Unix milliseconds), read here to the nanosecond.
/// </summary>
internal static partial class QueryArguments
{
    public const long NanosPerMillisecond = 1_000_000;
    public static readonly long DefaultRangeNanos = TimeSpan.FromHours(1).Ticks * 100;

    /// <summary>The parameter's value; null when absent or empty; refused when given more than once.</summary>
    public static string? Single(HttpRequest request, string name)
    {
        var values = request.Query[name];
        if (values.Count > 1)
        {
            throw new QueryParameterException($"{name} is given {values.Count} times; give it once");
        }
        return values.Count == 0 || string.IsNullOrEmpty(values[0]) ? null : values[0];
    }

    /// <summary>
    /// A route value that may hold a slash (service names, OpenTelemetry metric names): Kestrel decodes every escape
    /// in a path but %2F, so the slash arrives still escaped.
    /// </summary>
    public static string PathSegment(string value) => value.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    public static StringValues All(HttpRequest request, string name) => request.Query[name];

    /// <summary>An integer in [1, <paramref name="max"/>], or <paramref name="defaultValue"/> when absent (or 0, as Jaeger takes it).</summary>
    public static int Limit(HttpRequest request, int defaultValue, int max, string name = "limit")
    {
        var text = Single(request, name);
        if (text is null)
        {
            return defaultValue;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit))
        {
            throw new QueryParameterException($"{name} '{text}' is not a whole number; use 1 to {max}");
        }
        if (limit == 0)
        {
            return defaultValue;
        }
        if (limit > max)
        {
            throw new QueryParameterException($"{name} {limit} is above the maximum of {max}");
        }
        return limit;
    }

    /// <summary>[from, to) in unix nanoseconds; defaults: to = now, from = to minus one hour.</summary>
    public static (long From, long To) TimeRange(HttpRequest request, TimeProvider clock)
    {
        var to = Single(request, "to") is { } toText ? ParseTime("to", toText) : NowUnixNanos(clock);
        var from = Single(request, "from") is { } fromText ? ParseTime("from", fromText) : to - DefaultRangeNanos;
        if (from >= to)
        {
            throw new QueryParameterException($"from ({UnixTime.Format(from)}) must be before to ({UnixTime.Format(to)})");
        }
        return (from, to);
    }

    public static long NowUnixNanos(TimeProvider clock) => (clock.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;

    /// <summary>
    /// RFC 3339 to the nanosecond (<c>2026-11-20T12:00:00.123456789Z</c>, as log times are written) or Unix
    /// milliseconds, as Unix nanoseconds; any other form <see cref="QueryParameters.TryTime"/> takes, as /api/red does.
    /// </summary>
    public static long ParseTime(string name, string text)
    {
        if (text.Length > 0 && text.All(char.IsAsciiDigit) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var millis)
            && millis <= long.MaxValue / NanosPerMillisecond)
        {
            return millis * NanosPerMillisecond;
        }
        if (Rfc3339().Match(text) is { Success: true } match)
        {
            try
            {
                var g = match.Groups;
                int Part(int group) => int.Parse(g[group].ValueSpan, CultureInfo.InvariantCulture);
                var offset = g[8].Success ? TimeSpan.Zero : new TimeSpan(Part(10), Part(11), 0) * (g[9].Value == "-" ? -1 : 1);
                var time = new DateTimeOffset(Part(1), Part(2), Part(3), Part(4), Part(5), Part(6), offset);
                var fraction = g[7].Success ? long.Parse(g[7].Value.PadRight(9, '0'), CultureInfo.InvariantCulture) : 0;
                return checked(time.ToUnixTimeSeconds() * 1_000_000_000 + fraction);
            }
            catch (Exception error) when (error is ArgumentException or OverflowException)
            {
                // Not a real date (2026-11-31): refused below with the API's usual words.
            }
        }
        else if (QueryParameters.TryTime(text, name, DateTimeOffset.UnixEpoch, out var parsed, out _)
            && parsed.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks is var ticks && ticks >= long.MinValue / 100 && ticks <= long.MaxValue / 100)
        {
            return ticks * 100;
        }
        throw new QueryParameterException($"{name} '{text}' is not a time; use RFC 3339 (2026-11-20T12:00:00Z) or Unix milliseconds");
    }

    [GeneratedRegex(@"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}

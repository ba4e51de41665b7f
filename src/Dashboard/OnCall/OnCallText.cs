using System.Globalization;
using Observability.Core.Alerting;
using Observability.Core.Kpis;

namespace Observability.Dashboard.OnCall;

/// <summary>The plain words the on-call pages use for times, durations, values and steps.</summary>
public static class OnCallText
{
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    public static string Time(DateTimeOffset? at) => at is { } value ? Time(value) : "not yet";

    /// <summary>"45 s", "3 min 05 s", "2 h 10 min", "3 d 4 h".</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            return "-" + Duration(duration.Negate());
        }
        return duration.TotalMinutes < 1 ? $"{duration.TotalSeconds:0} s"
            : duration.TotalHours < 1 ? $"{(int)duration.TotalMinutes} min {duration.Seconds:00} s"
            : duration.TotalDays < 1 ? $"{(int)duration.TotalHours} h {duration.Minutes:00} min"
            : $"{(int)duration.TotalDays} d {duration.Hours} h";
    }

    /// <summary>"mean 2 min 10 s, median 1 min 30 s, p90 4 min 00 s (3 incidents)", or why there is no figure.</summary>
    public static string Statistics(DurationStatistics? statistics, string missing) => statistics is null
        ? missing
        : $"mean {Duration(statistics.Mean)}, median {Duration(statistics.Median)}, p90 {Duration(statistics.P90)} ({statistics.Count} incident{(statistics.Count == 1 ? "" : "s")})";

    public static string Value(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "no value";

    public static string State(AlertState state) => state.ToString().ToLowerInvariant();

    /// <summary>"impact start", "acknowledged": a step as people say it.</summary>
    public static string Step(string step) => step.Replace('_', ' ');
}

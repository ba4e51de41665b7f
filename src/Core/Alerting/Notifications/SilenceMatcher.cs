using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Observability.Core.Alerting.Notifications;

/// <summary>Whether a silence mutes an alert, with Alertmanager's matching: regexes anchored at both ends, a missing label is "".</summary>
public static class SilenceMatcher
{
    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="now"/> is within [StartsAt, EndsAt) and every matcher matches the labels.</summary>
    public static bool Mutes(Silence silence, IReadOnlyDictionary<string, string> labels, DateTimeOffset now) =>
        silence.StartsAt <= now && now < silence.EndsAt && silence.Matchers.Count > 0 && silence.Matchers.All(m => Matches(m, labels));

    public static bool IsSilenced(IReadOnlyList<Silence> silences, IReadOnlyDictionary<string, string> labels, DateTimeOffset now) =>
        silences.Any(s => Mutes(s, labels, now));

    public static bool Matches(LabelMatcher matcher, IReadOnlyDictionary<string, string> labels)
    {
        var value = labels.TryGetValue(matcher.Name, out var found) ? found : "";
        bool equal;
        try
        {
            equal = matcher.IsRegex
                ? Pattern(matcher.Value).IsMatch(value)
                : string.Equals(value, matcher.Value, StringComparison.Ordinal);
        }
        catch (Exception error) when (error is ArgumentException or RegexMatchTimeoutException)
        {
            // A pattern that does not parse (or runs away) matches nothing: a broken silence must not mute every alert.
            return false;
        }
        return equal == matcher.IsEqual;
    }

    /// <summary>Alertmanager anchors matcher regexes as ^(?:value)$; a timeout keeps a pathological pattern from stalling dispatch.</summary>
    private static Regex Pattern(string value) => Patterns.GetOrAdd(value, v =>
        new Regex($"^(?:{v})$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)));
}

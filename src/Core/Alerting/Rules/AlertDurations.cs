using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Observability.Core.Alerting.Rules;

/// <summary>Durations as Prometheus writes them: 30s, 5m, 1h30m, 3d, 1w, 500ms.</summary>
public static partial class AlertDurations
{
    /// <summary>What an error message lists as accepted.</summary>
    public const string Accepted = "a whole number and a unit, e.g. 500ms, 30s, 5m, 1h30m, 3d, 1w (units ms, s, m, h, d, w)";

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var trimmed = text.Trim();
        if (trimmed == "0")
        {
            return true;
        }
        if (!Whole().IsMatch(trimmed))
        {
            return false;
        }
        foreach (Match part in Part().Matches(trimmed))
        {
            if (!long.TryParse(part.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount > 1_000_000)
            {
                return false;
            }
            duration += part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                "d" => TimeSpan.FromDays(amount),
                _ => TimeSpan.FromDays(7 * amount),
            };
        }
        return true;
    }

    /// <summary>The shortest spelling TryParse reads back: 90 s as "1m30s", an hour as "1h", zero as "0s".</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return "0s";
        }
        var text = new StringBuilder();
        var rest = duration;
        foreach (var (unit, length) in Units)
        {
            var count = (long)(rest.Ticks / length.Ticks);
            if (count > 0)
            {
                text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(unit);
                rest -= TimeSpan.FromTicks(count * length.Ticks);
            }
        }
        return text.ToString();
    }

    private static readonly (string Unit, TimeSpan Length)[] Units =
    [
        ("d", TimeSpan.FromDays(1)), ("h", TimeSpan.FromHours(1)), ("m", TimeSpan.FromMinutes(1)),
        ("s", TimeSpan.FromSeconds(1)), ("ms", TimeSpan.FromMilliseconds(1)),
    ];

    [GeneratedRegex(@"^(?:\d+(?:ms|s|m|h|d|w))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Whole();

    [GeneratedRegex(@"(\d+)(ms|s|m|h|d|w)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();
}

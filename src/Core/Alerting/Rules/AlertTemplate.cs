using System.Globalization;
using System.Text.RegularExpressions;

namespace Observability.Core.Alerting.Rules;

/// <summary>
/// Renders annotation text per alert: <c>{{ $value }}</c> becomes the series' value (or "no data") and
/// <c>{{ $labels.name }}</c> one of the alert's labels (empty when it has none of that name), as in Prometheus rules.
/// </summary>
public static partial class AlertTemplate
{
    public const string Accepted = "{{ $value }} and {{ $labels.<name> }}";

    public static string Render(string text, double? value, IReadOnlyDictionary<string, string> labels) =>
        Placeholder().Replace(text, match => match.Groups["label"].Success
            ? labels.TryGetValue(match.Groups["label"].Value, out var label) ? label : ""
            : FormatValue(value));

    /// <summary>The first placeholder that is neither form, or null when the text has none.</summary>
    public static string? FirstUnknownPlaceholder(string text)
    {
        foreach (Match candidate in AnyPlaceholder().Matches(text))
        {
            if (!Placeholder().IsMatch(candidate.Value))
            {
                return candidate.Value;
            }
        }
        return null;
    }

    /// <summary>Whole numbers as they are, others to four significant digits but never in E notation: 0.05123 → "0.05123", 412.3456 → "412.3", 12345.6 → "12346", no value → "no data".</summary>
    public static string FormatValue(double? value) => value switch
    {
        null => "no data",
        { } v when Math.Abs(v) >= 1000 || v == Math.Floor(v) => Math.Round(v).ToString("0", CultureInfo.InvariantCulture),
        { } v when Math.Abs(v) < 1e-4 => v.ToString("0.##########", CultureInfo.InvariantCulture),
        { } v => v.ToString("G4", CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"\{\{\s*\$(?:value|labels\.(?<label>[A-Za-z_][A-Za-z0-9_.]*))\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\{\{.*?\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex AnyPlaceholder();
}

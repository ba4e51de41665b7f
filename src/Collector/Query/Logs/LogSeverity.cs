using System.Globalization;

namespace Observability.Collector.Query.Logs;

/// <summary>OpenTelemetry severity numbers by name: TRACE 1-4, DEBUG 5-8, INFO 9-12, WARN 13-16, ERROR 17-20, FATAL 21-24.</summary>
internal static class LogSeverity
{
    private static readonly (string Name, int Number)[] Names =
    [
        ("TRACE", 1), ("DEBUG", 5), ("INFO", 9), ("WARN", 13), ("ERROR", 17), ("FATAL", 21),
        ("INFORMATION", 9), ("WARNING", 13), ("CRITICAL", 21),
    ];

    /// <summary>A name (TRACE .. FATAL, optionally with a level 2-4 such as WARN2) or a number 1-24.</summary>
    public static bool TryParse(string text, out int number)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number))
        {
            return number is >= 1 and <= 24;
        }
        foreach (var (name, first) in Names)
        {
            if (text.StartsWith(name, StringComparison.OrdinalIgnoreCase))
            {
                var level = text[name.Length..];
                if (level.Length == 0)
                {
                    number = first;
                    return true;
                }
                if (level is "2" or "3" or "4")
                {
                    number = first + level[0] - '1';
                    return true;
                }
            }
        }
        number = 0;
        return false;
    }
}

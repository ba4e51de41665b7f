using System.Globalization;

namespace Observability.SampleWorkload.LoadGen.Options;

/// <summary>Durations as people type them: "10m", "90s", "1m30s", "250ms", "1.5h"; a bare number is seconds.</summary>
internal static class DurationText
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var rest = text.Trim().AsSpan();
        if (rest.IsEmpty)
        {
            return false;
        }
        if (double.TryParse(rest, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var bareSeconds))
        {
            return TryFromSeconds(bareSeconds, out duration);
        }
        double totalSeconds = 0;
        while (!rest.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < rest.Length && (char.IsAsciiDigit(rest[numberLength]) || rest[numberLength] == '.'))
            {
                numberLength++;
            }
            var unitLength = 0;
            while (numberLength + unitLength < rest.Length && char.IsAsciiLetter(rest[numberLength + unitLength]))
            {
                unitLength++;
            }
            if (numberLength == 0 || unitLength == 0
                || !double.TryParse(rest[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }
            double? secondsPerUnit = rest.Slice(numberLength, unitLength) switch
            {
                "ms" => 0.001,
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                _ => null,
            };
            if (secondsPerUnit is not { } unit)
            {
                return false;
            }
            totalSeconds += number * unit;
            rest = rest[(numberLength + unitLength)..];
        }
        return TryFromSeconds(totalSeconds, out duration);
    }

    /// <summary>"2.0 s", "1m 05s", "1h 02m": short and unambiguous for progress and summary lines.</summary>
    public static string Format(TimeSpan duration) => duration.TotalSeconds switch
    {
        < 60 => duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
        < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes}m {duration.Seconds:00}s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours}h {duration.Minutes:00}m"),
    };

    private static bool TryFromSeconds(double seconds, out TimeSpan duration)
    {
        // Ten years is far beyond any run; the bound keeps TimeSpan from overflowing on absurd input.
        if (double.IsFinite(seconds) && seconds is >= 0 and < 315_360_000)
        {
            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }
        duration = TimeSpan.Zero;
        return false;
    }
}

using System.Globalization;

namespace Observability.Collector.Query;

/// <summary>
/// Durations in Go's syntax, as jaeger-query takes them and as every query endpoint does (to the nanosecond): a sequence of decimal numbers with units,
/// such as <c>300ms</c>, <c>1.2s</c> or <c>2h45m</c>; units ns, us (or µs), ms, s, m, h; <c>0</c>. Never negative.
/// </summary>
internal static class GoDuration
{
    private static readonly (string Unit, long Nanos)[] Units =
    [
        ("ns", 1),
        ("us", 1_000),
        ("\u00b5s", 1_000),
        ("\u03bcs", 1_000),
        ("ms", 1_000_000),
        ("s", 1_000_000_000),
        ("m", 60_000_000_000),
        ("h", 3_600_000_000_000),
    ];

    public static bool TryParseNanos(string? text, out long nanos)
    {
        nanos = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        var rest = text.AsSpan();
        if (rest[0] == '+')
        {
            rest = rest[1..];
        }
        if (rest is "0")
        {
            return true;
        }
        if (rest.IsEmpty)
        {
            return false;
        }
        decimal total = 0;
        while (!rest.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < rest.Length && (char.IsAsciiDigit(rest[numberLength]) || rest[numberLength] == '.'))
            {
                numberLength++;
            }
            var number = rest[..numberLength];
            if (number.IsEmpty || number is "." || number.Count('.') > 1
                || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }
            rest = rest[numberLength..];
            var unitLength = 0;
            while (unitLength < rest.Length && !char.IsAsciiDigit(rest[unitLength]) && rest[unitLength] != '.')
            {
                unitLength++;
            }
            var unit = rest[..unitLength];
            var multiplier = 0L;
            foreach (var (name, unitNanos) in Units)
            {
                if (unit.SequenceEqual(name))
                {
                    multiplier = unitNanos;
                    break;
                }
            }
            if (multiplier == 0)
            {
                return false;
            }
            rest = rest[unitLength..];
            try
            {
                total += value * multiplier;
            }
            catch (OverflowException)
            {
                return false;
            }
        }
        if (total > long.MaxValue)
        {
            return false;
        }
        nanos = (long)decimal.Truncate(total);
        return true;
    }

    /// <summary>Go-style text: <c>10s</c>, <c>1m30s</c>, <c>250ms</c>, <c>1500us</c>.</summary>
    public static string Format(long nanos)
    {
        if (nanos == 0)
        {
            return "0s";
        }
        if (nanos % 1_000_000 != 0)
        {
            return nanos.ToString(CultureInfo.InvariantCulture) + "ns";
        }
        if (nanos < 1_000_000_000)
        {
            return (nanos / 1_000_000).ToString(CultureInfo.InvariantCulture) + "ms";
        }
        var text = "";
        var hours = nanos / 3_600_000_000_000;
        var minutes = nanos / 60_000_000_000 % 60;
        var seconds = nanos % 60_000_000_000 / 1e9;
        if (hours > 0)
        {
            text += hours.ToString(CultureInfo.InvariantCulture) + "h";
        }
        if (minutes > 0)
        {
            text += minutes.ToString(CultureInfo.InvariantCulture) + "m";
        }
        if (seconds > 0)
        {
            text += seconds.ToString(CultureInfo.InvariantCulture) + "s";
        }
        return text;
    }
}

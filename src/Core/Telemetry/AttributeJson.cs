using System.Globalization;
using System.Text.Json;

namespace Observability.Core.Telemetry;

/// <summary>
/// The stored JSON form of OTLP attributes and AnyValues. Attributes are a plain object, so databases can
/// index and query them (<c>attributes-&gt;&gt;'http.route'</c>), while every AnyValue type survives a round trip:
/// strings, booleans and arrays are themselves; integers are JSON integers; doubles always carry a decimal point
/// and never an exponent (<c>1.0</c>), with <c>{"$double":"NaN"}</c> for non-finite values; bytes are
/// <c>{"$bytes":"base64"}</c>; a key-value list is an object, wrapped as <c>{"$kvlist":{..}}</c> when one of its
/// keys starts with <c>$</c>; an empty AnyValue is <c>null</c>.
/// </summary>
public static class AttributeJson
{
    public const string Empty = "{}";
    private const string BytesKey = "$bytes";
    private const string DoubleKey = "$double";
    private const string KvListKey = "$kvlist";

    public static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (!double.IsFinite(value))
        {
            writer.WriteStartObject();
            writer.WriteString(DoubleKey, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
            writer.WriteEndObject();
            return;
        }
        writer.WriteRawValue(FormatDouble(value), skipInputValidation: true);
    }

    /// <summary>
    /// Shortest round-trip text of a finite double in plain decimal notation with a decimal point, never an
    /// exponent: PostgreSQL's jsonb keeps a number's scale ("1.0" stays "1.0") but rewrites exponents
    /// ("1E+20" becomes an integer), which would turn a stored double into an integer.
    /// </summary>
    public static string FormatDouble(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = text.IndexOf('E');
        if (exponentAt < 0)
        {
            return text.Contains('.') ? text : text + ".0";
        }
        var negative = text[0] == '-';
        var mantissa = text[(negative ? 1 : 0)..exponentAt];
        var exponent = int.Parse(text.AsSpan(exponentAt + 1), CultureInfo.InvariantCulture);
        var pointAt = mantissa.IndexOf('.');
        var digits = pointAt < 0 ? mantissa : mantissa.Remove(pointAt, 1);
        var position = (pointAt < 0 ? mantissa.Length : pointAt) + exponent;
        string plain;
        if (position <= 0)
        {
            plain = "0." + new string('0', -position) + digits;
        }
        else if (position >= digits.Length)
        {
            plain = digits + new string('0', position - digits.Length) + ".0";
        }
        else
        {
            plain = digits[..position] + "." + digits[position..];
        }
        return negative ? "-" + plain : plain;
    }

    public static void WriteBytes(Utf8JsonWriter writer, ReadOnlySpan<byte> value)
    {
        writer.WriteStartObject();
        writer.WriteBase64String(BytesKey, value);
        writer.WriteEndObject();
    }

    /// <summary>Starts a key-value list; <paramref name="needsWrapper"/> is true when any key starts with '$'.</summary>
    public static void WriteStartKvList(Utf8JsonWriter writer, bool needsWrapper)
    {
        if (needsWrapper)
        {
            writer.WriteStartObject();
            writer.WritePropertyName(KvListKey);
        }
        writer.WriteStartObject();
    }

    public static void WriteEndKvList(Utf8JsonWriter writer, bool needsWrapper)
    {
        writer.WriteEndObject();
        if (needsWrapper)
        {
            writer.WriteEndObject();
        }
    }

    /// <summary>
    /// Reads a stored value back into .NET values: string, bool, long, double, byte[],
    /// <see cref="List{T}"/> of values for arrays, and <see cref="List{T}"/> of key-value pairs for key-value lists.
    /// </summary>
    public static object? ParseValue(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ToValue(document.RootElement);
    }

    /// <summary>Reads a stored attribute object back as key-value pairs in their stored order.</summary>
    public static List<KeyValuePair<string, object?>> ParseAttributes(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ToPairs(document.RootElement);
    }

    public static object? ToValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Number => IsIntegerText(element.GetRawText()) ? (object)element.GetInt64() : element.GetDouble(),
        JsonValueKind.Array => element.EnumerateArray().Select(ToValue).ToList(),
        JsonValueKind.Object => ToSpecialOrPairs(element),
        _ => throw new FormatException($"Unexpected JSON value kind {element.ValueKind}."),
    };

    private static object ToSpecialOrPairs(JsonElement element)
    {
        using var properties = element.EnumerateObject();
        if (properties.MoveNext())
        {
            var first = properties.Current;
            if (!properties.MoveNext())
            {
                switch (first.Name)
                {
                    case BytesKey:
                        return first.Value.GetBytesFromBase64();
                    case DoubleKey:
                        return double.Parse(first.Value.GetString()!, CultureInfo.InvariantCulture);
                    case KvListKey:
                        return ToPairs(first.Value);
                }
            }
        }
        return ToPairs(element);
    }

    private static List<KeyValuePair<string, object?>> ToPairs(JsonElement element) =>
        element.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, ToValue(p.Value))).ToList();

    private static bool IsIntegerText(string text) => text.AsSpan().IndexOfAny('.', 'E', 'e') < 0;
}

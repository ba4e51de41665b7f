using System.Text.Json;
using System.Text.Json.Nodes;

namespace Observability.Core.Telemetry;

/// <summary>
/// Turns the stored attribute JSON (<see cref="Core.Telemetry.AttributeJson"/>) into plain JSON for API clients:
/// bytes become base64 strings, non-finite doubles the strings "NaN", "Infinity" and "-Infinity", and a wrapped
/// key-value list its object.
/// </summary>
public static class PlainJson
{
    /// <summary>A stored value as a JSON node that outlives the document it came from.</summary>
    public static JsonNode? ToNode(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Array => new JsonArray(element.EnumerateArray().Select(ToNode).ToArray()),
        JsonValueKind.Object => Special(element) is { } special ? JsonValue.Create(special) : ToObject(element),
        // A clone keeps a number's text exactly as stored (1.0 stays 1.0).
        _ => JsonValue.Create(element.Clone()),
    };

    /// <summary>A stored attribute object (or body) as a plain object.</summary>
    public static JsonObject ToObject(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object && Unwrapped(element) is { } inner)
        {
            element = inner;
        }
        var result = new JsonObject();
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                result[property.Name] = ToNode(property.Value);
            }
        }
        return result;
    }

    public static JsonNode? Parse(string storedJson)
    {
        using var document = JsonDocument.Parse(storedJson);
        return ToNode(document.RootElement);
    }

    public static JsonObject ParseObject(string storedJson)
    {
        using var document = JsonDocument.Parse(storedJson);
        return ToObject(document.RootElement);
    }

    /// <summary>
    /// The text a search compares a value with: a string is itself, anything else its compact JSON text, the same
    /// as the stores' SQL compares (<c>true</c>, <c>201</c>, <c>0.5</c>).
    /// </summary>
    public static string Text(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.Null => "",
        JsonValueKind.Object when Special(element) is { } special => special,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => ToNode(element)!.ToJsonString(),
    };

    /// <summary>The string that stands for a bytes value or a non-finite double; null for any other object.</summary>
    public static string? Special(JsonElement element)
    {
        using var properties = element.EnumerateObject();
        if (!properties.MoveNext())
        {
            return null;
        }
        var first = properties.Current;
        if (properties.MoveNext() || first.Value.ValueKind != JsonValueKind.String)
        {
            return null;
        }
        return first.Name is "$bytes" or "$double" ? first.Value.GetString() : null;
    }

    /// <summary>The inner object of a <c>{"$kvlist":{..}}</c> wrapper; null when the object is not one.</summary>
    internal static JsonElement? Unwrapped(JsonElement element)
    {
        using var properties = element.EnumerateObject();
        if (!properties.MoveNext())
        {
            return null;
        }
        var first = properties.Current;
        return !properties.MoveNext() && first.Name == "$kvlist" && first.Value.ValueKind == JsonValueKind.Object ? first.Value : null;
    }
}

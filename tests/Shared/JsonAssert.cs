using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace Observability.Tests.Shared;

/// <summary>Compares JSON by meaning: object key order and whitespace are ignored, number text is kept exact.</summary>
public static class JsonAssert
{
    public static void Equivalent(string? expected, string? actual)
    {
        Assert.Equal(Normalize(expected), Normalize(actual));
    }

    public static string? Normalize(string? json)
    {
        if (json is null)
        {
            return null;
        }
        var node = JsonNode.Parse(json);
        return Canonical(node)?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "null";
    }

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Canonical).ToArray()),
        null => null,
        _ => JsonNode.Parse(node.ToJsonString()),
    };
}

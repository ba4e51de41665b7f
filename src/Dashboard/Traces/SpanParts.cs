using System.Text.Json;
using System.Text.Json.Nodes;
using Observability.Core.Telemetry;

namespace Observability.Dashboard.Traces;

/// <summary>An event of a span: its name, when it happened after the span started, and its attributes.</summary>
public sealed record SpanEventView(string Name, long OffsetNanos, IReadOnlyList<KeyValuePair<string, string>> Attributes);

/// <summary>A link from a span to a span of another (or the same) trace, with the link's attributes.</summary>
public sealed record SpanLinkView(string TraceId, string SpanId, IReadOnlyList<KeyValuePair<string, string>> Attributes);

/// <summary>The stored JSON of spans and logs (<see cref="AttributeJson"/> form) as text for the page: values are shown, never interpreted.</summary>
public static class SpanParts
{
    /// <summary>Attributes as key and text, by key; a string value is itself, anything else its JSON.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Attributes(string storedJson)
    {
        var attributes = PlainJson.ParseObject(storedJson);
        return attributes.Select(pair => new KeyValuePair<string, string>(pair.Key, Text(pair.Value)))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList();
    }

    public static IReadOnlyList<SpanEventView> Events(SpanRecord span)
    {
        using var events = JsonDocument.Parse(span.EventsJson);
        return events.RootElement.EnumerateArray().Select(e => new SpanEventView(
            e.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "",
            e.TryGetProperty("timeUnixNano", out var time) && time.TryGetInt64(out var nanos) ? nanos - span.StartUnixNanos : 0,
            e.TryGetProperty("attributes", out var attributes) ? Attributes(attributes.GetRawText()) : [])).ToList();
    }

    public static IReadOnlyList<SpanLinkView> Links(SpanRecord span)
    {
        using var links = JsonDocument.Parse(span.LinksJson);
        return links.RootElement.EnumerateArray().Select(l => new SpanLinkView(
            l.TryGetProperty("traceId", out var traceId) ? traceId.GetString() ?? "" : "",
            l.TryGetProperty("spanId", out var spanId) ? spanId.GetString() ?? "" : "",
            l.TryGetProperty("attributes", out var attributes) ? Attributes(attributes.GetRawText()) : [])).ToList();
    }

    /// <summary>A log body: a string as itself, any other value as its JSON; "" when absent.</summary>
    public static string Body(LogRecord log) => Text(PlainJson.Parse(log.BodyJson));

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => node.ToJsonString(),
    };
}

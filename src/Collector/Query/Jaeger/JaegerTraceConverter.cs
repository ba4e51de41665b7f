using System.Globalization;
using System.Text.Json;
using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Collector.Query.Jaeger;

/// <summary>
/// Turns stored spans into Jaeger's trace JSON the way the OpenTelemetry Collector's Jaeger translator does: span
/// kind, status, scope and trace state become tags, the parent a CHILD_OF reference, links FOLLOWS_FROM
/// references, events logs with an <c>event</c> field, and each distinct resource one process.
/// </summary>
internal static class JaegerTraceConverter
{
    /// <summary>The spans of one trace, in start order.</summary>
    public static JaegerTrace Convert(IReadOnlyList<SpanRecord> spans)
    {
        // An export retried after a lost acknowledgement stores its spans twice: show each span once.
        var unique = spans.DistinctBy(span => System.Convert.ToHexString(span.SpanId)).ToList();
        var spanIds = unique.Select(span => TraceIds.ToHex(span.SpanId)).ToHashSet(StringComparer.Ordinal);
        var processIds = new Dictionary<TelemetryResource, string>();
        var processes = new Dictionary<string, JaegerProcess>(StringComparer.Ordinal);
        var converted = new List<JaegerSpan>(unique.Count);
        foreach (var span in unique)
        {
            if (!processIds.TryGetValue(span.Resource, out var processId))
            {
                processId = "p" + (processIds.Count + 1).ToString(CultureInfo.InvariantCulture);
                processIds[span.Resource] = processId;
                processes[processId] = Process(span.Resource);
            }
            converted.Add(Span(span, processId, spanIds));
        }
        return new JaegerTrace(unique.Count > 0 ? TraceIds.ToHex(unique[0].TraceId) : "", converted, processes, null);
    }

    private static JaegerProcess Process(TelemetryResource resource)
    {
        var tags = new List<JaegerTag>();
        using var attributes = JsonDocument.Parse(resource.AttributesJson);
        foreach (var attribute in attributes.RootElement.EnumerateObject())
        {
            if (attribute.Name != "service.name")
            {
                tags.Add(Tag(attribute.Name, attribute.Value));
            }
        }
        return new JaegerProcess(resource.ServiceName, tags);
    }

    private static JaegerSpan Span(SpanRecord span, string processId, HashSet<string> spanIds)
    {
        var traceId = TraceIds.ToHex(span.TraceId);
        var warnings = new List<string>();
        var references = new List<JaegerReference>();
        if (span.ParentSpanId.Length > 0)
        {
            var parent = TraceIds.ToHex(span.ParentSpanId);
            references.Add(new JaegerReference(JaegerReference.ChildOf, traceId, parent));
            if (!spanIds.Contains(parent))
            {
                // Jaeger's own words for a parent the trace does not hold.
                warnings.Add($"invalid parent span IDs={parent}; skipping clock skew adjustment");
            }
        }
        using (var links = JsonDocument.Parse(span.LinksJson))
        {
            foreach (var link in links.RootElement.EnumerateArray())
            {
                var linkedTrace = link.GetProperty("traceId").GetString();
                var linkedSpan = link.GetProperty("spanId").GetString();
                if (!string.IsNullOrEmpty(linkedTrace) && !string.IsNullOrEmpty(linkedSpan))
                {
                    references.Add(new JaegerReference(JaegerReference.FollowsFrom, linkedTrace, linkedSpan));
                }
            }
        }

        var tags = new List<JaegerTag>();
        using (var attributes = JsonDocument.Parse(span.AttributesJson))
        {
            foreach (var attribute in attributes.RootElement.EnumerateObject())
            {
                tags.Add(Tag(attribute.Name, attribute.Value));
            }
        }
        if (TraceSearchTags.KindText(span.Kind) is { Length: > 0 } kind)
        {
            tags.Add(new JaegerTag(TraceSearchTags.SpanKind, "string", kind));
        }
        if (TraceSearchTags.StatusText(span.StatusCode) is { Length: > 0 } status)
        {
            tags.Add(new JaegerTag(TraceSearchTags.StatusCode, "string", status));
        }
        if (span.StatusCode == SpanStatusCode.Error)
        {
            tags.Add(new JaegerTag(TraceSearchTags.Error, "bool", true));
        }
        if (span.StatusMessage.Length > 0)
        {
            tags.Add(new JaegerTag(TraceSearchTags.StatusDescription, "string", span.StatusMessage));
        }
        if (span.Scope.Name.Length > 0)
        {
            tags.Add(new JaegerTag(TraceSearchTags.ScopeName, "string", span.Scope.Name));
        }
        if (span.Scope.Version.Length > 0)
        {
            tags.Add(new JaegerTag(TraceSearchTags.ScopeVersion, "string", span.Scope.Version));
        }
        if (span.TraceState.Length > 0)
        {
            tags.Add(new JaegerTag(TraceSearchTags.TraceState, "string", span.TraceState));
        }

        var logs = new List<JaegerLog>();
        using (var events = JsonDocument.Parse(span.EventsJson))
        {
            foreach (var spanEvent in events.RootElement.EnumerateArray())
            {
                var fields = new List<JaegerTag>();
                var name = spanEvent.GetProperty("name").GetString() ?? "";
                var eventAttributes = spanEvent.GetProperty("attributes");
                if (name.Length > 0 && !eventAttributes.TryGetProperty("event", out _))
                {
                    fields.Add(new JaegerTag("event", "string", name));
                }
                foreach (var attribute in eventAttributes.EnumerateObject())
                {
                    fields.Add(Tag(attribute.Name, attribute.Value));
                }
                var timeNanos = spanEvent.GetProperty("timeUnixNano").TryGetUInt64(out var nanos) ? nanos : 0;
                logs.Add(new JaegerLog((long)(timeNanos / 1_000), fields));
            }
        }

        AddDroppedWarning(warnings, span.DroppedAttributesCount, "attributes");
        AddDroppedWarning(warnings, span.DroppedEventsCount, "events");
        AddDroppedWarning(warnings, span.DroppedLinksCount, "links");
        return new JaegerSpan(
            traceId,
            TraceIds.ToHex(span.SpanId),
            span.Flags & 0xFF,
            span.Name,
            references,
            span.StartUnixNanos / 1_000,
            Math.Max(span.DurationNanos, 0) / 1_000,
            tags,
            logs,
            processId,
            warnings);
    }

    private static void AddDroppedWarning(List<string> warnings, uint dropped, string what)
    {
        if (dropped > 0)
        {
            warnings.Add($"{dropped} {what} of this span were dropped by the sender's limits");
        }
    }

    /// <summary>A stored attribute as a Jaeger tag: arrays and key-value lists become their JSON text, as Jaeger's translator does.</summary>
    internal static JaegerTag Tag(string key, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return new JaegerTag(key, "string", value.GetString()!);
            case JsonValueKind.True:
            case JsonValueKind.False:
                return new JaegerTag(key, "bool", value.GetBoolean());
            case JsonValueKind.Number:
                return value.GetRawText().AsSpan().IndexOfAny('.', 'e', 'E') < 0 && value.TryGetInt64(out var integer)
                    ? new JaegerTag(key, "int64", integer)
                    : new JaegerTag(key, "float64", value.GetDouble());
            case JsonValueKind.Null:
                return new JaegerTag(key, "string", "");
            case JsonValueKind.Object when value.TryGetProperty("$bytes", out var bytes) && PlainJson.Special(value) is not null:
                return new JaegerTag(key, "binary", bytes.GetString()!);
            default:
                // Non-finite doubles ("NaN"), arrays and key-value lists: JSON numbers cannot carry the first, and
                // Jaeger's model has no type for the others.
                return new JaegerTag(key, "string", PlainJson.Text(value));
        }
    }
}

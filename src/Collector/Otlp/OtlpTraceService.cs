using Google.Protobuf;
using Observability.Collector.Ingest;
using Observability.Collector.Otlp.Proto.Collector.Trace.V1;
using Observability.Collector.Otlp.Proto.Trace.V1;
using Observability.Core.Telemetry;

namespace Observability.Collector.Otlp;

/// <summary>Receives OTLP traces from any transport.</summary>
public sealed class OtlpTraceService(TelemetryIngestor ingestor, IngestMetrics metrics)
    : OtlpSignalService<ExportTraceServiceRequest, ExportTraceServiceResponse>("traces", "spans", ingestor, metrics)
{
    protected override MessageParser<ExportTraceServiceRequest> Parser => ExportTraceServiceRequest.Parser;

    private protected override void Map(ExportTraceServiceRequest request, TelemetryBatch batch, OtlpRejections rejections, OtlpJsonEncoder json)
    {
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resource = OtlpCommonMapper.Resource(resourceSpans.Resource, resourceSpans.SchemaUrl, json);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scope = OtlpCommonMapper.Scope(scopeSpans.Scope, scopeSpans.SchemaUrl, json);
                foreach (var span in scopeSpans.Spans)
                {
                    if (Validate(span) is { } problem)
                    {
                        rejections.Add(problem.Reason, $"span '{span.Name}': {problem.Detail}");
                        continue;
                    }
                    batch.Spans.Add(ToRecord(span, resource, scope, json));
                }
            }
        }
    }

    protected override ExportTraceServiceResponse CreateResponse(long rejected, string errorMessage) => rejected == 0
        ? new ExportTraceServiceResponse()
        : new ExportTraceServiceResponse { PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = rejected, ErrorMessage = errorMessage } };

    private static (string Reason, string Detail)? Validate(Span span)
    {
        if (!TraceIds.IsValidTraceId(span.TraceId.Span))
        {
            return ("invalid_trace_id", $"trace_id must be 16 bytes and not all zero, got {DescribeId(span.TraceId)}");
        }
        if (!TraceIds.IsValidSpanId(span.SpanId.Span))
        {
            return ("invalid_span_id", $"span_id must be 8 bytes and not all zero, got {DescribeId(span.SpanId)}");
        }
        if (span.ParentSpanId.Length is not (0 or TraceIds.SpanIdLength))
        {
            return ("invalid_parent_span_id", $"parent_span_id must be empty or 8 bytes, got {span.ParentSpanId.Length} bytes");
        }
        if (span.StartTimeUnixNano > long.MaxValue || span.EndTimeUnixNano > long.MaxValue)
        {
            return ("invalid_time", "start and end times must be before the year 2262");
        }
        if (span.EndTimeUnixNano < span.StartTimeUnixNano)
        {
            return ("invalid_time", $"end_time_unix_nano {span.EndTimeUnixNano} is before start_time_unix_nano {span.StartTimeUnixNano}");
        }
        return null;
    }

    internal static string DescribeId(ByteString id) => id.Length == 0 ? "an empty id" : $"{id.Length} bytes {TraceIds.ToHex(id.Span)}";

    private static SpanRecord ToRecord(Span span, TelemetryResource resource, TelemetryScope scope, OtlpJsonEncoder json) => new()
    {
        Resource = resource,
        Scope = scope,
        TraceId = span.TraceId.ToByteArray(),
        SpanId = span.SpanId.ToByteArray(),
        // An all-zero parent is how some SDKs say "no parent".
        ParentSpanId = span.ParentSpanId.Span.ContainsAnyExcept((byte)0) ? span.ParentSpanId.ToByteArray() : [],
        TraceState = OtlpText.Clean(span.TraceState),
        Flags = span.Flags,
        Name = OtlpText.Clean(span.Name),
        Kind = (SpanKind)(int)span.Kind,
        StartUnixNanos = (long)span.StartTimeUnixNano,
        EndUnixNanos = (long)span.EndTimeUnixNano,
        AttributesJson = json.Attributes(span.Attributes),
        DroppedAttributesCount = span.DroppedAttributesCount,
        EventsJson = span.Events.Count == 0 ? "[]" : Events(span, json),
        DroppedEventsCount = span.DroppedEventsCount,
        LinksJson = span.Links.Count == 0 ? "[]" : Links(span, json),
        DroppedLinksCount = span.DroppedLinksCount,
        StatusCode = (SpanStatusCode)(int)(span.Status?.Code ?? Status.Types.StatusCode.Unset),
        StatusMessage = OtlpText.Clean(span.Status?.Message ?? ""),
    };

    private static string Events(Span span, OtlpJsonEncoder json)
    {
        var writer = json.Writer;
        writer.WriteStartArray();
        foreach (var spanEvent in span.Events)
        {
            writer.WriteStartObject();
            writer.WriteNumber("timeUnixNano", spanEvent.TimeUnixNano);
            writer.WriteString("name", OtlpText.Clean(spanEvent.Name));
            writer.WritePropertyName("attributes");
            json.WriteAttributes(spanEvent.Attributes);
            writer.WriteNumber("droppedAttributesCount", spanEvent.DroppedAttributesCount);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        return json.Finish();
    }

    private static string Links(Span span, OtlpJsonEncoder json)
    {
        var writer = json.Writer;
        writer.WriteStartArray();
        foreach (var link in span.Links)
        {
            writer.WriteStartObject();
            json.WriteHexId("traceId", link.TraceId);
            json.WriteHexId("spanId", link.SpanId);
            writer.WriteString("traceState", OtlpText.Clean(link.TraceState));
            writer.WritePropertyName("attributes");
            json.WriteAttributes(link.Attributes);
            writer.WriteNumber("droppedAttributesCount", link.DroppedAttributesCount);
            writer.WriteNumber("flags", link.Flags);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        return json.Finish();
    }
}

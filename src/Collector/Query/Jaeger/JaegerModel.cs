using System.Text.Json.Serialization;

namespace Observability.Collector.Query.Jaeger;

// The JSON that jaeger-query's /api endpoints answer with, which the Jaeger UI and Grafana's Jaeger data source read.

/// <summary>Every Jaeger API answer: data, paging fields that are always zero here, and errors.</summary>
internal sealed record JaegerResponse<T>(
    [property: JsonPropertyName("data")] T? Data,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("errors")] IReadOnlyList<JaegerError>? Errors);

internal sealed record JaegerError(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("traceID"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TraceId = null);

internal sealed record JaegerTrace(
    [property: JsonPropertyName("traceID")] string TraceId,
    [property: JsonPropertyName("spans")] IReadOnlyList<JaegerSpan> Spans,
    [property: JsonPropertyName("processes")] IReadOnlyDictionary<string, JaegerProcess> Processes,
    [property: JsonPropertyName("warnings")] IReadOnlyList<string>? Warnings);

internal sealed record JaegerSpan(
    [property: JsonPropertyName("traceID")] string TraceId,
    [property: JsonPropertyName("spanID")] string SpanId,
    [property: JsonPropertyName("flags")] uint Flags,
    [property: JsonPropertyName("operationName")] string OperationName,
    [property: JsonPropertyName("references")] IReadOnlyList<JaegerReference> References,
    [property: JsonPropertyName("startTime")] long StartTime,
    [property: JsonPropertyName("duration")] long Duration,
    [property: JsonPropertyName("tags")] IReadOnlyList<JaegerTag> Tags,
    [property: JsonPropertyName("logs")] IReadOnlyList<JaegerLog> Logs,
    [property: JsonPropertyName("processID")] string ProcessId,
    [property: JsonPropertyName("warnings")] IReadOnlyList<string> Warnings);

internal sealed record JaegerReference(
    [property: JsonPropertyName("refType")] string RefType,
    [property: JsonPropertyName("traceID")] string TraceId,
    [property: JsonPropertyName("spanID")] string SpanId)
{
    public const string ChildOf = "CHILD_OF";
    public const string FollowsFrom = "FOLLOWS_FROM";
}

/// <summary>A tag or log field; <see cref="Type"/> is string, bool, int64, float64 or binary (base64 value).</summary>
internal sealed record JaegerTag(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("value")] object Value);

internal sealed record JaegerLog(
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("fields")] IReadOnlyList<JaegerTag> Fields);

internal sealed record JaegerProcess(
    [property: JsonPropertyName("serviceName")] string ServiceName,
    [property: JsonPropertyName("tags")] IReadOnlyList<JaegerTag> Tags);

internal sealed record JaegerOperation(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("spanKind")] string SpanKind);

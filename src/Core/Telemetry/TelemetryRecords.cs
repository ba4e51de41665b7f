namespace Observability.Core.Telemetry;

/// <summary>The entity that produced telemetry (OTLP Resource); shared by every item of one resource block.</summary>
/// <param name="AttributesJson">Attributes in <see cref="AttributeJson"/> form.</param>
public sealed record TelemetryResource(
    string ServiceName,
    string AttributesJson,
    uint DroppedAttributesCount = 0,
    string SchemaUrl = "")
{
    /// <summary>A stable 64-bit identity of the resource's content, used to store each distinct resource once.</summary>
    public long ContentHash { get; } = TelemetryHash.Of(ServiceName, AttributesJson, DroppedAttributesCount.ToString(), SchemaUrl);
}

/// <summary>The instrumentation library that produced telemetry (OTLP InstrumentationScope).</summary>
public sealed record TelemetryScope(
    string Name,
    string Version = "",
    string AttributesJson = AttributeJson.Empty,
    uint DroppedAttributesCount = 0,
    string SchemaUrl = "")
{
    /// <summary>A stable 64-bit identity of the scope's content, used to store each distinct scope once.</summary>
    public long ContentHash { get; } = TelemetryHash.Of(Name, Version, AttributesJson, DroppedAttributesCount.ToString(), SchemaUrl);
}

/// <summary>OTLP span kinds, numbered as in the protocol.</summary>
public enum SpanKind
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}

/// <summary>OTLP status codes, numbered as in the protocol.</summary>
public enum SpanStatusCode
{
    Unset = 0,
    Ok = 1,
    Error = 2,
}

/// <summary>One span with everything OTLP carries for it.</summary>
public sealed record SpanRecord
{
    public required TelemetryResource Resource { get; init; }
    public required TelemetryScope Scope { get; init; }
    public required byte[] TraceId { get; init; }
    public required byte[] SpanId { get; init; }
    /// <summary>Empty for a root span.</summary>
    public byte[] ParentSpanId { get; init; } = [];
    public string TraceState { get; init; } = "";
    public uint Flags { get; init; }
    public required string Name { get; init; }
    public SpanKind Kind { get; init; }
    public long StartUnixNanos { get; init; }
    public long EndUnixNanos { get; init; }
    public long DurationNanos => EndUnixNanos - StartUnixNanos;
    public string AttributesJson { get; init; } = AttributeJson.Empty;
    public uint DroppedAttributesCount { get; init; }
    /// <summary>JSON array of events: <c>[{"timeUnixNano":..,"name":..,"attributes":{..},"droppedAttributesCount":..}]</c>.</summary>
    public string EventsJson { get; init; } = "[]";
    public uint DroppedEventsCount { get; init; }
    /// <summary>JSON array of links: <c>[{"traceId":hex,"spanId":hex,"traceState":..,"attributes":{..},"droppedAttributesCount":..,"flags":..}]</c>.</summary>
    public string LinksJson { get; init; } = "[]";
    public uint DroppedLinksCount { get; init; }
    public SpanStatusCode StatusCode { get; init; }
    public string StatusMessage { get; init; } = "";
}

/// <summary>One log record with everything OTLP carries for it.</summary>
public sealed record LogRecord
{
    public required TelemetryResource Resource { get; init; }
    public required TelemetryScope Scope { get; init; }
    public long TimeUnixNanos { get; init; }
    public long ObservedTimeUnixNanos { get; init; }
    public int SeverityNumber { get; init; }
    public string SeverityText { get; init; } = "";
    /// <summary>The body, an AnyValue of any type, in <see cref="AttributeJson"/> value form; "null" when absent.</summary>
    public string BodyJson { get; init; } = "null";
    public string AttributesJson { get; init; } = AttributeJson.Empty;
    public uint DroppedAttributesCount { get; init; }
    public uint Flags { get; init; }
    /// <summary>Empty when the record is not tied to a trace.</summary>
    public byte[] TraceId { get; init; } = [];
    public byte[] SpanId { get; init; } = [];
    public string EventName { get; init; } = "";

    /// <summary>The time the record is filed and queried under: its own time, or the observed time when the source gave none.</summary>
    public long EffectiveTimeUnixNanos => TimeUnixNanos != 0 ? TimeUnixNanos : ObservedTimeUnixNanos;
}

/// <summary>The OTLP metric data types.</summary>
public enum MetricType
{
    Gauge = 1,
    Sum = 2,
    Histogram = 3,
    ExponentialHistogram = 4,
    Summary = 5,
}

/// <summary>OTLP aggregation temporality, numbered as in the protocol.</summary>
public enum AggregationTemporality
{
    Unspecified = 0,
    Delta = 1,
    Cumulative = 2,
}

/// <summary>One metric data point, of any OTLP type, with its metric's descriptor.</summary>
public sealed record MetricPointRecord
{
    public required TelemetryResource Resource { get; init; }
    public required TelemetryScope Scope { get; init; }
    public required string MetricName { get; init; }
    public string Description { get; init; } = "";
    public string Unit { get; init; } = "";
    public required MetricType Type { get; init; }
    public AggregationTemporality Temporality { get; init; }
    public bool IsMonotonic { get; init; }
    public string AttributesJson { get; init; } = AttributeJson.Empty;
    public long StartTimeUnixNanos { get; init; }
    public long TimeUnixNanos { get; init; }
    public uint Flags { get; init; }
    /// <summary>Gauge and sum points carrying a double.</summary>
    public double? DoubleValue { get; init; }
    /// <summary>Gauge and sum points carrying an integer.</summary>
    public long? IntValue { get; init; }
    /// <summary>Histogram, exponential histogram and summary: number of observations.</summary>
    public ulong? Count { get; init; }
    public double? Sum { get; init; }
    public double? Min { get; init; }
    public double? Max { get; init; }
    /// <summary>
    /// Type-specific detail as JSON: histogram <c>{"bucketCounts":[..],"explicitBounds":[..]}</c>; exponential
    /// histogram <c>{"scale":..,"zeroCount":..,"zeroThreshold":..,"positive":{"offset":..,"bucketCounts":[..]},"negative":{..}}</c>;
    /// summary <c>{"quantileValues":[{"quantile":..,"value":..}]}</c>; null for gauge and sum.
    /// </summary>
    public string? DataJson { get; init; }
    /// <summary>JSON array of exemplars, or "[]".</summary>
    public string ExemplarsJson { get; init; } = "[]";
}

/// <summary>A decoded, validated export ready to be committed: any mix of spans, logs and metric points.</summary>
public sealed class TelemetryBatch
{
    public List<SpanRecord> Spans { get; } = [];
    public List<LogRecord> Logs { get; } = [];
    public List<MetricPointRecord> MetricPoints { get; } = [];

    public int ItemCount => Spans.Count + Logs.Count + MetricPoints.Count;

    public void AddRange(TelemetryBatch other)
    {
        Spans.AddRange(other.Spans);
        Logs.AddRange(other.Logs);
        MetricPoints.AddRange(other.MetricPoints);
    }
}

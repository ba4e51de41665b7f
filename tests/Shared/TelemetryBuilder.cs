using System.Text;
using System.Text.Json;
using Observability.Core.Telemetry;

namespace Observability.Tests.Shared;

/// <summary>Builds telemetry records that exercise every field and every AnyValue type.</summary>
public static class TelemetryBuilder
{
    public static readonly long BaseTimeUnixNanos = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;

    /// <summary>Attributes with one value of every AnyValue type, written in the stored JSON form.</summary>
    public static string EveryTypeAttributesJson(string prefix = "attr")
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString($"{prefix}.string", "value ü \"quoted\"");
            writer.WriteBoolean($"{prefix}.bool", true);
            writer.WriteNumber($"{prefix}.int", long.MaxValue);
            writer.WritePropertyName($"{prefix}.double");
            AttributeJson.WriteDouble(writer, 1.0);
            writer.WritePropertyName($"{prefix}.double.large");
            AttributeJson.WriteDouble(writer, 1.5e20);
            writer.WritePropertyName($"{prefix}.double.nan");
            AttributeJson.WriteDouble(writer, double.NaN);
            writer.WritePropertyName($"{prefix}.bytes");
            AttributeJson.WriteBytes(writer, Encoding.UTF8.GetBytes("raw\0bytes"));
            writer.WritePropertyName($"{prefix}.array");
            writer.WriteStartArray();
            writer.WriteStringValue("a");
            writer.WriteNumberValue(2);
            writer.WriteEndArray();
            writer.WritePropertyName($"{prefix}.kvlist");
            AttributeJson.WriteStartKvList(writer, needsWrapper: false);
            writer.WriteString("inner", "x");
            AttributeJson.WriteEndKvList(writer, needsWrapper: false);
            writer.WritePropertyName($"{prefix}.kvlist.dollar");
            AttributeJson.WriteStartKvList(writer, needsWrapper: true);
            writer.WriteString("$bytes", "not bytes");
            AttributeJson.WriteEndKvList(writer, needsWrapper: true);
            writer.WriteNull($"{prefix}.empty");
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static TelemetryResource Resource(string serviceName = "checkout") =>
        new(serviceName, $$"""{"service.name":"{{serviceName}}","service.instance.id":"i-1","host.cpu.count":2}""", 1, "https://opentelemetry.io/schemas/1.26.0");

    public static TelemetryScope Scope() =>
        new("Observability.Tests", "1.2.3", """{"scope.attr":"s"}""", 2, "https://opentelemetry.io/schemas/1.26.0");

    public static byte[] NewTraceId() => RandomNonZero(TraceIds.TraceIdLength);

    public static byte[] NewSpanId() => RandomNonZero(TraceIds.SpanIdLength);

    public static SpanRecord Span(byte[]? traceId = null, byte[]? parentSpanId = null, TelemetryResource? resource = null, long startOffsetNanos = 0) => new()
    {
        Resource = resource ?? Resource(),
        Scope = Scope(),
        TraceId = traceId ?? NewTraceId(),
        SpanId = NewSpanId(),
        ParentSpanId = parentSpanId ?? [],
        TraceState = "vendor=value",
        Flags = 0x301,
        Name = "GET /orders/{id}",
        Kind = SpanKind.Server,
        StartUnixNanos = BaseTimeUnixNanos + startOffsetNanos,
        EndUnixNanos = BaseTimeUnixNanos + startOffsetNanos + 12_345_678,
        AttributesJson = EveryTypeAttributesJson(),
        DroppedAttributesCount = 3,
        EventsJson = $$"""[{"timeUnixNano":{{BaseTimeUnixNanos + 1000}},"name":"exception","attributes":{"exception.type":"System.InvalidOperationException"},"droppedAttributesCount":1}]""",
        DroppedEventsCount = 4,
        LinksJson = """[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","traceState":"a=b","attributes":{"link.kind":"follows"},"droppedAttributesCount":0,"flags":256}]""",
        DroppedLinksCount = 5,
        StatusCode = SpanStatusCode.Error,
        StatusMessage = "boom",
    };

    public static LogRecord Log(string bodyJson = "\"order 42 shipped\"", long offsetNanos = 0) => new()
    {
        Resource = Resource(),
        Scope = Scope(),
        TimeUnixNanos = BaseTimeUnixNanos + offsetNanos,
        ObservedTimeUnixNanos = BaseTimeUnixNanos + offsetNanos + 5,
        SeverityNumber = 17,
        SeverityText = "Error",
        BodyJson = bodyJson,
        AttributesJson = EveryTypeAttributesJson("log"),
        DroppedAttributesCount = 1,
        Flags = 1,
        TraceId = NewTraceId(),
        SpanId = NewSpanId(),
        EventName = "order.shipped",
    };

    public static IEnumerable<MetricPointRecord> MetricPointsOfEveryType(string prefix = "test")
    {
        var resource = Resource();
        var scope = Scope();
        var start = BaseTimeUnixNanos;
        var time = BaseTimeUnixNanos + 10_000_000_000;
        yield return new MetricPointRecord
        {
            Resource = resource, Scope = scope, MetricName = $"{prefix}.gauge", Description = "a gauge", Unit = "1",
            Type = MetricType.Gauge, AttributesJson = """{"cpu":"0"}""", StartTimeUnixNanos = 0, TimeUnixNanos = time, DoubleValue = 0.25,
            ExemplarsJson = """[{"timeUnixNano":1,"asDouble":0.5,"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","filteredAttributes":{}}]""",
        };
        yield return new MetricPointRecord
        {
            Resource = resource, Scope = scope, MetricName = $"{prefix}.sum", Description = "a counter", Unit = "{request}",
            Type = MetricType.Sum, Temporality = AggregationTemporality.Cumulative, IsMonotonic = true,
            AttributesJson = """{"http.route":"/orders"}""", StartTimeUnixNanos = start, TimeUnixNanos = time, IntValue = long.MaxValue - 1, Flags = 1,
        };
        yield return new MetricPointRecord
        {
            Resource = resource, Scope = scope, MetricName = $"{prefix}.histogram", Unit = "s",
            Type = MetricType.Histogram, Temporality = AggregationTemporality.Delta,
            StartTimeUnixNanos = start, TimeUnixNanos = time, Count = 6, Sum = 1.75, Min = 0.01, Max = 0.9,
            DataJson = """{"bucketCounts":[1,2,3],"explicitBounds":[0.1,0.5]}""",
        };
        yield return new MetricPointRecord
        {
            Resource = resource, Scope = scope, MetricName = $"{prefix}.exponential", Unit = "ms",
            Type = MetricType.ExponentialHistogram, Temporality = AggregationTemporality.Cumulative,
            StartTimeUnixNanos = start, TimeUnixNanos = time, Count = 7, Sum = 70.5, Min = 1.0, Max = 30.0,
            DataJson = """{"scale":3,"zeroCount":1,"zeroThreshold":0.0,"positive":{"offset":4,"bucketCounts":[1,2,3]},"negative":{"offset":0,"bucketCounts":[]}}""",
        };
        yield return new MetricPointRecord
        {
            Resource = resource, Scope = scope, MetricName = $"{prefix}.summary", Unit = "ms",
            Type = MetricType.Summary, StartTimeUnixNanos = start, TimeUnixNanos = time, Count = 10, Sum = 100.0,
            DataJson = """{"quantileValues":[{"quantile":0.5,"value":9.0},{"quantile":0.99,"value":20.0}]}""",
        };
    }

    private static byte[] RandomNonZero(int length)
    {
        var bytes = new byte[length];
        do
        {
            Random.Shared.NextBytes(bytes);
        }
        while (!bytes.AsSpan().ContainsAnyExcept((byte)0));
        return bytes;
    }
}

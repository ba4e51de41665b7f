using Google.Protobuf;
using Observability.Collector.Otlp.Proto.Collector.Logs.V1;
using Observability.Collector.Otlp.Proto.Collector.Metrics.V1;
using Observability.Collector.Otlp.Proto.Collector.Trace.V1;
using Observability.Collector.Otlp.Proto.Common.V1;
using Observability.Collector.Otlp.Proto.Logs.V1;
using Observability.Collector.Otlp.Proto.Metrics.V1;
using Observability.Collector.Otlp.Proto.Resource.V1;
using Observability.Collector.Otlp.Proto.Trace.V1;
using Observability.Tests.Shared;

using SpanKindProto = Observability.Collector.Otlp.Proto.Trace.V1.Span.Types.SpanKind;

namespace Observability.Collector.Tests.Query;

/// <summary>OTLP requests built by hand with exact times, for the query API's tests.</summary>
internal static class QueryRequests
{
    public static KeyValue Attribute(string key, object value) => new()
    {
        Key = key,
        Value = value switch
        {
            string text => new AnyValue { StringValue = text },
            bool flag => new AnyValue { BoolValue = flag },
            int number => new AnyValue { IntValue = number },
            long number => new AnyValue { IntValue = number },
            double number => new AnyValue { DoubleValue = number },
            byte[] bytes => new AnyValue { BytesValue = ByteString.CopyFrom(bytes) },
            _ => throw new ArgumentException($"No AnyValue for {value.GetType()}"),
        },
    };

    public static Resource Resource(string service, params KeyValue[] attributes) =>
        new() { Attributes = { Attribute("service.name", service), attributes } };

    public static Span Span(byte[] traceId, string name, long startUnixNanos, long durationNanos, params KeyValue[] attributes) => new()
    {
        TraceId = ByteString.CopyFrom(traceId),
        SpanId = ByteString.CopyFrom(TelemetryBuilder.NewSpanId()),
        Name = name,
        Kind = SpanKindProto.Server,
        StartTimeUnixNano = (ulong)startUnixNanos,
        EndTimeUnixNano = (ulong)(startUnixNanos + durationNanos),
        Attributes = { attributes },
    };

    public static ExportTraceServiceRequest Traces(string service, IEnumerable<KeyValue> resourceAttributes, params Span[] spans)
    {
        var resource = Resource(service);
        resource.Attributes.AddRange(resourceAttributes);
        return new ExportTraceServiceRequest
        {
            ResourceSpans = { new ResourceSpans { Resource = resource, ScopeSpans = { new ScopeSpans { Scope = new InstrumentationScope { Name = "query-tests" }, Spans = { spans } } } } },
        };
    }

    public static ExportMetricsServiceRequest Metrics(string service, params Metric[] metrics) => new()
    {
        ResourceMetrics = { new ResourceMetrics { Resource = Resource(service), ScopeMetrics = { new ScopeMetrics { Metrics = { metrics } } } } },
    };

    public static ExportLogsServiceRequest Logs(string service, params LogRecord[] logs) => new()
    {
        ResourceLogs = { new ResourceLogs { Resource = Resource(service), ScopeLogs = { new ScopeLogs { Scope = new InstrumentationScope { Name = "query-tests", Version = "1.0" }, LogRecords = { logs } } } } },
    };
}

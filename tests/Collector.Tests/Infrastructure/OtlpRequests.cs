using Google.Protobuf;
using Observability.Collector.Otlp.Proto.Collector.Trace.V1;
using Observability.Collector.Otlp.Proto.Common.V1;
using Observability.Collector.Otlp.Proto.Resource.V1;
using Observability.Collector.Otlp.Proto.Trace.V1;
using Observability.Tests.Shared;

namespace Observability.Collector.Tests.Infrastructure;

/// <summary>OTLP requests built by hand, for tests that need control the SDK does not give.</summary>
public static class OtlpRequests
{
    /// <summary>One trace of <paramref name="spanCount"/> spans under a fresh trace id.</summary>
    public static (ExportTraceServiceRequest Request, byte[] TraceId) Trace(int spanCount, string serviceName = "load-test")
    {
        var traceId = TelemetryBuilder.NewTraceId();
        var start = (ulong)TelemetryBuilder.BaseTimeUnixNanos;
        var scopeSpans = new ScopeSpans { Scope = new InstrumentationScope { Name = "tests" } };
        for (var i = 0; i < spanCount; i++)
        {
            scopeSpans.Spans.Add(new Span
            {
                TraceId = ByteString.CopyFrom(traceId),
                SpanId = ByteString.CopyFrom(TelemetryBuilder.NewSpanId()),
                Name = $"operation-{i % 5}",
                Kind = Span.Types.SpanKind.Server,
                StartTimeUnixNano = start + (ulong)i * 1000,
                EndTimeUnixNano = start + (ulong)i * 1000 + 5_000_000,
                Attributes = { new KeyValue { Key = "http.route", Value = new AnyValue { StringValue = "/orders/{id}" } } },
            });
        }
        var request = new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new ResourceSpans
                {
                    Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = serviceName } } } },
                    ScopeSpans = { scopeSpans },
                },
            },
        };
        return (request, traceId);
    }

    public static ByteArrayContent Protobuf(IMessage message)
    {
        var content = new ByteArrayContent(message.ToByteArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }
}

using System.IO.Compression;
using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Compression;
using Observability.Collector.Otlp.Proto.Collector.Logs.V1;
using Observability.Collector.Otlp.Proto.Collector.Metrics.V1;
using Observability.Collector.Otlp.Proto.Collector.Trace.V1;
using Observability.Collector.Otlp.Proto.Common.V1;
using Observability.Collector.Otlp.Proto.Logs.V1;
using Observability.Collector.Otlp.Proto.Metrics.V1;
using Observability.Collector.Otlp.Proto.Trace.V1;
using Observability.Collector.Tests.Infrastructure;
using Observability.Tests.Shared;
using ProtoLogRecord = Observability.Collector.Otlp.Proto.Logs.V1.LogRecord;
using ProtoSpan = Observability.Collector.Otlp.Proto.Trace.V1.Span;

namespace Observability.Collector.Tests.Otlp;

/// <summary>
/// Bad exports are each answered precisely (status and a message naming the problem), and the Collector keeps
/// serving: after every bad request a good one is still stored.
/// </summary>
public sealed class BadInputTests
{
    private const string Protobuf = "application/x-protobuf";
    private const int DefaultMaxRequestBytes = 4 * 1024 * 1024;

    private static readonly Dictionary<string, string?> SmallLimit = new() { ["Collector:MaxRequestBytes"] = "65536" };

    private static readonly Dictionary<string, string?> ApiKeys = new()
    {
        ["Collector:Otlp:PrimaryApiKey"] = "primary-secret-1",
        ["Collector:Otlp:SecondaryApiKey"] = "secondary-secret-2",
    };

    /// <summary>Field 1 (resource_spans) announces 100 bytes, then the body ends after 3.</summary>
    private static readonly byte[] TruncatedProtobuf = [0x0A, 0x64, 0x01, 0x02, 0x03];

    [Fact]
    public async Task Malformed_protobuf_is_400_with_a_status_naming_the_problem()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);

        using var response = await client.PostAsync("traces", OtlpClient.Content(TruncatedProtobuf, Protobuf));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(Protobuf, response.Content.Headers.ContentType?.MediaType);
        var status = await OtlpClient.ReadStatusAsync(response);
        Assert.Equal((int)StatusCode.InvalidArgument, status.Code);
        Assert.StartsWith("The body is not a valid OTLP ExportTraceServiceRequest in protobuf:", status.Message);
        await client.AssertStillServesAsync();
    }

    [Theory]
    [InlineData("""{ "resourceSpans": [ """, "The body is not valid JSON:")]
    [InlineData("""[ { "resourceSpans": [] } ]""", "The body is a JSON Array, not an OTLP request object.")]
    [InlineData("null", "The body is JSON null, not an OTLP request object.")]
    [InlineData("""{ "resourceSpans": "not a list" }""", "The body is not a valid OTLP ExportTraceServiceRequest in JSON:")]
    public async Task Malformed_json_is_400_with_a_json_status_naming_the_problem(string body, string expectedMessage)
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);

        using var response = await client.PostAsync("traces", OtlpClient.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var status = await OtlpClient.ReadStatusAsync(response);
        Assert.Equal((int)StatusCode.InvalidArgument, status.Code);
        Assert.True(status.Message.StartsWith(expectedMessage, StringComparison.Ordinal), $"Expected a message starting '{expectedMessage}', got '{status.Message}'");
        await client.AssertStillServesAsync();
    }

    [Fact]
    public async Task Malformed_protobuf_over_grpc_is_invalid_argument_with_a_message()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.Grpc.AsyncUnaryCall(OtlpGrpcMethods.RawTraces, null, client.CallOptions(), TruncatedProtobuf).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("The body is not a valid OTLP ExportTraceServiceRequest in protobuf:", error.Status.Detail);
        await client.AssertStillServesAsync();
    }

    [Theory]
    [InlineData("text/plain", null, "Content-Type 'text/plain' is not supported; send application/x-protobuf or application/json.")]
    [InlineData(Protobuf, "br", "Content-Encoding 'br' is not supported; send gzip or no encoding.")]
    public async Task Unsupported_media_type_or_encoding_is_415(string contentType, string? contentEncoding, string expectedMessage)
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);
        var (request, traceId) = OtlpRequests.Trace(1);

        using var response = await client.PostAsync("traces", OtlpClient.Content(request.ToByteArray(), contentType, contentEncoding));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(expectedMessage, (await OtlpClient.ReadStatusAsync(response)).Message);
        Assert.Empty(await host.Store.GetTraceAsync(traceId, CancellationToken.None));
        await client.AssertStillServesAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Body_over_MaxRequestBytes_is_413(bool chunked)
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage, SmallLimit);
        using var client = new OtlpClient(host);
        var (request, traceId) = OversizedTrace();
        var body = request.ToByteArray();

        using var response = await client.PostAsync("traces", chunked ? new ChunkedContent(body, Protobuf) : OtlpClient.Content(body, Protobuf));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("The request body exceeds the limit of 65536 bytes after decompression (Collector:MaxRequestBytes).",
            (await OtlpClient.ReadStatusAsync(response)).Message);
        Assert.Empty(await host.Store.GetTraceAsync(traceId, CancellationToken.None));
        await client.AssertStillServesAsync();
    }

    [Fact]
    public async Task Message_over_MaxRequestBytes_over_grpc_is_resource_exhausted()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage, SmallLimit);
        using var client = new OtlpClient(host);
        var (request, traceId) = OversizedTrace();

        var error = await Assert.ThrowsAsync<RpcException>(() => client.Grpc.AsyncUnaryCall(OtlpGrpcMethods.Traces, null, client.CallOptions(), request).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.NotEmpty(error.Status.Detail);
        Assert.Empty(await host.Store.GetTraceAsync(traceId, CancellationToken.None));
        await client.AssertStillServesAsync();
    }

    [Theory]
    [InlineData(OtlpTransport.Http)]
    [InlineData(OtlpTransport.Grpc)]
    public async Task Gzip_compressed_export_is_stored(OtlpTransport transport)
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host, compressionProviders: [new GzipCompressionProvider(CompressionLevel.Fastest)]);
        var (request, traceId) = OtlpRequests.Trace(3, "gzip-service");

        if (transport == OtlpTransport.Http)
        {
            using var response = await client.PostAsync("traces", OtlpClient.Content(OtlpClient.Gzip(request.ToByteArray()), Protobuf, "gzip"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        else
        {
            var response = await client.Grpc.AsyncUnaryCall(OtlpGrpcMethods.Traces, null, client.CallOptions((OtlpClient.GrpcRequestCompressionHeader, "gzip")), request);
            Assert.Null(response.PartialSuccess);
        }

        var spans = await host.Store.GetTraceAsync(traceId, CancellationToken.None);
        Assert.Equal(3, spans.Count);
        Assert.All(spans, span => Assert.Equal("gzip-service", span.Resource.ServiceName));
    }

    [Fact]
    public async Task Gzip_bomb_over_http_is_413_without_inflating_it()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);
        Assert.InRange(GzipBomb.OneGibibyteOfZeros.Length, 1, DefaultMaxRequestBytes - 1);

        using var response = await client.PostAsync("traces", OtlpClient.Content(GzipBomb.OneGibibyteOfZeros, Protobuf, "gzip"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal($"The request body exceeds the limit of {DefaultMaxRequestBytes} bytes after decompression (Collector:MaxRequestBytes).",
            (await OtlpClient.ReadStatusAsync(response)).Message);
        await client.AssertStillServesAsync();
    }

    [Fact]
    public async Task Gzip_bomb_over_grpc_is_resource_exhausted_without_inflating_it()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        // The bomb is gzip already: the channel marks the message gzip-compressed and sends its bytes as they are.
        using var client = new OtlpClient(host, compressionProviders: [new PrecompressedGzipProvider()]);
        Assert.InRange(GzipBomb.OneGibibyteOfZeros.Length, 1, DefaultMaxRequestBytes - 1);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.Grpc.AsyncUnaryCall(
            OtlpGrpcMethods.RawTraces, null, client.CallOptions((OtlpClient.GrpcRequestCompressionHeader, "gzip")), GzipBomb.OneGibibyteOfZeros).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal($"The decompressed message exceeds the limit of {DefaultMaxRequestBytes} bytes (Collector:MaxRequestBytes).", error.Status.Detail);
        using var plain = new OtlpClient(host);
        await plain.AssertStillServesAsync();
    }

    [Fact]
    public async Task Corrupt_gzip_is_400()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);
        var (request, _) = OtlpRequests.Trace(1);
        var corrupt = OtlpClient.CorruptGzip(request.ToByteArray());

        using var response = await client.PostAsync("traces", OtlpClient.Content(corrupt, Protobuf, "gzip"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("The body is not valid gzip:", (await OtlpClient.ReadStatusAsync(response)).Message);
        await client.AssertStillServesAsync();
    }

    [Fact]
    public async Task Corrupt_gzip_over_grpc_is_invalid_argument()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host, compressionProviders: [new PrecompressedGzipProvider()]);
        var (request, _) = OtlpRequests.Trace(1);
        var corrupt = OtlpClient.CorruptGzip(request.ToByteArray());

        var error = await Assert.ThrowsAsync<RpcException>(() => client.Grpc.AsyncUnaryCall(
            OtlpGrpcMethods.RawTraces, null, client.CallOptions((OtlpClient.GrpcRequestCompressionHeader, "gzip")), corrupt).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("The message is not valid gzip:", error.Status.Detail);
        using var plain = new OtlpClient(host);
        await plain.AssertStillServesAsync();
    }

    [Theory]
    [InlineData(OtlpTransport.Http)]
    [InlineData(OtlpTransport.Grpc)]
    public async Task Invalid_spans_are_rejected_one_by_one_and_the_valid_span_is_stored(OtlpTransport transport)
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);
        var traceId = TelemetryBuilder.NewTraceId();
        ProtoSpan Span(string name, byte[]? withTraceId = null, byte[]? withSpanId = null, byte[]? withParentSpanId = null) => new()
        {
            TraceId = ByteString.CopyFrom(withTraceId ?? traceId),
            SpanId = ByteString.CopyFrom(withSpanId ?? TelemetryBuilder.NewSpanId()),
            ParentSpanId = ByteString.CopyFrom(withParentSpanId ?? []),
            Name = name,
            StartTimeUnixNano = (ulong)TelemetryBuilder.BaseTimeUnixNanos,
            EndTimeUnixNano = (ulong)TelemetryBuilder.BaseTimeUnixNanos + 1_000,
        };
        var request = new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new ResourceSpans
                {
                    ScopeSpans =
                    {
                        new ScopeSpans
                        {
                            Spans =
                            {
                                Span("valid"),
                                Span("short trace id", withTraceId: traceId[..8]),
                                Span("zero span id", withSpanId: new byte[8]),
                                Span("short parent", withParentSpanId: [1, 2, 3]),
                            },
                        },
                    },
                },
            },
        };

        var response = await client.ExportAsync(request, transport);

        Assert.Equal(3, response.PartialSuccess.RejectedSpans);
        Assert.Equal(
            $"3 of the spans rejected: invalid_trace_id x1 (span 'short trace id': trace_id must be 16 bytes and not all zero, got 8 bytes {Convert.ToHexStringLower(traceId[..8])}); "
            + "invalid_span_id x1 (span 'zero span id': span_id must be 8 bytes and not all zero, got 8 bytes 0000000000000000); "
            + "invalid_parent_span_id x1 (span 'short parent': parent_span_id must be empty or 8 bytes, got 3 bytes)",
            response.PartialSuccess.ErrorMessage);
        var stored = Assert.Single(await host.Store.GetTraceAsync(traceId, CancellationToken.None));
        Assert.Equal("valid", stored.Name);
        Assert.Equal(1, (await host.Store.CountAsync(CancellationToken.None)).Spans);
    }

    [Theory]
    [InlineData(OtlpTransport.Http)]
    [InlineData(OtlpTransport.Grpc)]
    public async Task A_log_with_a_malformed_trace_id_is_rejected_and_a_log_without_ids_is_stored(OtlpTransport transport)
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);
        var time = (ulong)TelemetryBuilder.BaseTimeUnixNanos;
        var request = new ExportLogsServiceRequest
        {
            ResourceLogs =
            {
                new ResourceLogs
                {
                    ScopeLogs =
                    {
                        new ScopeLogs
                        {
                            LogRecords =
                            {
                                new ProtoLogRecord { TimeUnixNano = time, Body = new AnyValue { StringValue = "five-byte trace id" }, TraceId = ByteString.CopyFrom([1, 2, 3, 4, 5]) },
                                new ProtoLogRecord { TimeUnixNano = time + 1, Body = new AnyValue { StringValue = "no ids" } },
                            },
                        },
                    },
                },
            },
        };

        var response = await client.ExportAsync(request, transport);

        Assert.Equal(1, response.PartialSuccess.RejectedLogRecords);
        Assert.Equal("1 of the log records rejected: invalid_trace_id x1 (trace_id must be empty or 16 bytes and not all zero, got 5 bytes 0102030405)",
            response.PartialSuccess.ErrorMessage);
        var stored = Assert.Single(await host.Store.GetLogsAsync(0, long.MaxValue, 10, CancellationToken.None));
        Assert.Equal("\"no ids\"", stored.BodyJson);
        Assert.Empty(stored.TraceId);
    }

    [Theory]
    [InlineData(OtlpTransport.Http)]
    [InlineData(OtlpTransport.Grpc)]
    public async Task A_metric_without_a_name_is_rejected_and_a_named_metric_is_stored(OtlpTransport transport)
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);
        Metric Gauge(string name) => new()
        {
            Name = name,
            Gauge = new Gauge { DataPoints = { new NumberDataPoint { TimeUnixNano = (ulong)TelemetryBuilder.BaseTimeUnixNanos, AsDouble = 1.5 } } },
        };
        var request = new ExportMetricsServiceRequest
        {
            ResourceMetrics = { new ResourceMetrics { ScopeMetrics = { new ScopeMetrics { Metrics = { Gauge(""), Gauge("queue.depth") } } } } },
        };

        var response = await client.ExportAsync(request, transport);

        Assert.Equal(1, response.PartialSuccess.RejectedDataPoints);
        Assert.Equal("1 of the data points rejected: missing_metric_name x1 (a metric must have a name)", response.PartialSuccess.ErrorMessage);
        var stored = Assert.Single(await host.Store.GetMetricPointsAsync("queue.depth", 0, long.MaxValue, CancellationToken.None));
        Assert.Equal(1.5, stored.DoubleValue);
        Assert.Equal(1, (await host.Store.CountAsync(CancellationToken.None)).MetricPoints);
    }

    [Theory]
    [InlineData(null, "Missing API key: send it in the 'x-otlp-api-key' header.")]
    [InlineData("wrong-key", "The API key in the 'x-otlp-api-key' header is not valid.")]
    [InlineData("primary-secret-1", null)]
    [InlineData("secondary-secret-2", null)]
    public async Task Otlp_http_accepts_the_primary_or_secondary_api_key_only(string? apiKey, string? expectedRefusal)
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage, ApiKeys);
        using var client = new OtlpClient(host, apiKey);
        var (request, traceId) = OtlpRequests.Trace(1);

        using var response = await client.PostAsync("traces", OtlpRequests.Protobuf(request));

        if (expectedRefusal is null)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Single(await host.Store.GetTraceAsync(traceId, CancellationToken.None));
        }
        else
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(expectedRefusal, (await OtlpClient.ReadStatusAsync(response)).Message);
            Assert.Empty(await host.Store.GetTraceAsync(traceId, CancellationToken.None));
        }
        using var authorized = new OtlpClient(host, "primary-secret-1");
        await authorized.AssertStillServesAsync();
    }

    [Theory]
    [InlineData(null, "Missing API key: send it in the 'x-otlp-api-key' header.")]
    [InlineData("wrong-key", "The API key in the 'x-otlp-api-key' header is not valid.")]
    [InlineData("primary-secret-1", null)]
    [InlineData("secondary-secret-2", null)]
    public async Task Otlp_grpc_accepts_the_primary_or_secondary_api_key_only(string? apiKey, string? expectedRefusal)
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage, ApiKeys);
        using var client = new OtlpClient(host, apiKey);
        var (request, traceId) = OtlpRequests.Trace(1);

        if (expectedRefusal is null)
        {
            await client.ExportAsync(request, OtlpTransport.Grpc);
            Assert.Single(await host.Store.GetTraceAsync(traceId, CancellationToken.None));
        }
        else
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(request, OtlpTransport.Grpc));
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
            Assert.Equal(expectedRefusal, error.Status.Detail);
            Assert.Empty(await host.Store.GetTraceAsync(traceId, CancellationToken.None));
        }
        using var authorized = new OtlpClient(host, "primary-secret-1");
        await authorized.AssertStillServesAsync();
    }

    [Fact]
    public async Task Each_listener_serves_only_its_own_endpoints()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var http = new HttpClient();
        var (request, traceId) = OtlpRequests.Trace(1);

        using var otlpOnApi = await http.PostAsync($"{host.ApiUrl}/v1/traces", OtlpRequests.Protobuf(request));
        using var metricsOnOtlp = await http.GetAsync($"{host.HttpUrl}/metrics");
        using var metricsOnApi = await http.GetAsync($"{host.ApiUrl}/metrics");

        Assert.Equal(HttpStatusCode.NotFound, otlpOnApi.StatusCode);
        Assert.Empty(await host.Store.GetTraceAsync(traceId, CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, metricsOnOtlp.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metricsOnApi.StatusCode);
    }

    /// <summary>One span carrying a 70,000-character attribute: over a 65,536-byte limit.</summary>
    private static (ExportTraceServiceRequest Request, byte[] TraceId) OversizedTrace()
    {
        var (request, traceId) = OtlpRequests.Trace(1);
        request.ResourceSpans[0].ScopeSpans[0].Spans[0].Attributes.Add(new KeyValue { Key = "padding", Value = new AnyValue { StringValue = new string('x', 70_000) } });
        return (request, traceId);
    }

    /// <summary>A body sent with chunked transfer encoding: no Content-Length for the server to check up front.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly byte[] _body;

        public ChunkedContent(byte[] body, string contentType)
        {
            _body = body;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

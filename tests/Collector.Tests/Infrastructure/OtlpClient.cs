using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Compression;
using Observability.Collector.Otlp;
using Observability.Collector.Otlp.Proto.Collector.Logs.V1;
using Observability.Collector.Otlp.Proto.Collector.Metrics.V1;
using Observability.Collector.Otlp.Proto.Collector.Trace.V1;
using Observability.Collector.Tests.Infrastructure;

namespace Observability.Collector.Tests.Infrastructure;

public enum OtlpTransport
{
    Http,
    Grpc,
}

/// <summary>The OTLP gRPC Export methods, built by hand the way any gRPC client can call them.</summary>
public static class OtlpGrpcMethods
{
    public const string TraceService = "opentelemetry.proto.collector.trace.v1.TraceService";
    public const string MetricsService = "opentelemetry.proto.collector.metrics.v1.MetricsService";
    public const string LogsService = "opentelemetry.proto.collector.logs.v1.LogsService";

    public static readonly Method<ExportTraceServiceRequest, ExportTraceServiceResponse> Traces = Export<ExportTraceServiceRequest, ExportTraceServiceResponse>(TraceService);

    public static readonly Method<ExportMetricsServiceRequest, ExportMetricsServiceResponse> Metrics = Export<ExportMetricsServiceRequest, ExportMetricsServiceResponse>(MetricsService);

    public static readonly Method<ExportLogsServiceRequest, ExportLogsServiceResponse> Logs = Export<ExportLogsServiceRequest, ExportLogsServiceResponse>(LogsService);

    /// <summary>Trace Export that sends exactly the bytes it is given: malformed messages, pre-compressed bombs.</summary>
    public static readonly Method<byte[], byte[]> RawTraces = new(MethodType.Unary, TraceService, "Export",
        Marshallers.Create(static (byte[] bytes) => bytes, static bytes => bytes),
        Marshallers.Create(static (byte[] bytes) => bytes, static bytes => bytes));

    private static Method<TRequest, TResponse> Export<TRequest, TResponse>(string service)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        var responseParser = new MessageParser<TResponse>(() => new TResponse());
        return new Method<TRequest, TResponse>(MethodType.Unary, service, "Export",
            Marshallers.Create(static (TRequest request) => request.ToByteArray(), static _ => throw new NotSupportedException("Clients never read a request.")),
            Marshallers.Create(static (TResponse _) => throw new NotSupportedException("Clients never write a response."), responseParser.ParseFrom));
    }
}

/// <summary>Talks OTLP to a test Collector over real HTTP (HttpClient) and real gRPC (GrpcChannel).</summary>
public sealed class OtlpClient : IDisposable
{
    /// <summary>Set on a call, Grpc.Net.Client compresses its request with the channel's provider of that name.</summary>
    public const string GrpcRequestCompressionHeader = "grpc-internal-encoding-request";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly CollectorHost _host;
    private readonly string? _apiKey;
    private readonly GrpcChannel _channel;

    /// <param name="compressionProviders">gRPC compression the channel offers; the default is gzip.</param>
    public OtlpClient(CollectorHost host, string? apiKey = null, IList<ICompressionProvider>? compressionProviders = null)
    {
        _host = host;
        _apiKey = apiKey;
        Http = new HttpClient { BaseAddress = new Uri(host.HttpUrl), Timeout = Timeout };
        var options = new GrpcChannelOptions();
        if (compressionProviders is not null)
        {
            options.CompressionProviders = compressionProviders;
        }
        _channel = GrpcChannel.ForAddress(host.GrpcUrl, options);
        Grpc = _channel.CreateCallInvoker();
    }

    public HttpClient Http { get; }

    public CallInvoker Grpc { get; }

    public Task<ExportTraceServiceResponse> ExportAsync(ExportTraceServiceRequest request, OtlpTransport transport) =>
        ExportAsync(OtlpGrpcMethods.Traces, "traces", request, transport);

    public Task<ExportMetricsServiceResponse> ExportAsync(ExportMetricsServiceRequest request, OtlpTransport transport) =>
        ExportAsync(OtlpGrpcMethods.Metrics, "metrics", request, transport);

    public Task<ExportLogsServiceResponse> ExportAsync(ExportLogsServiceRequest request, OtlpTransport transport) =>
        ExportAsync(OtlpGrpcMethods.Logs, "logs", request, transport);

    /// <summary>POSTs a body to /v1/{signal} on the OTLP/HTTP listener, with the client's API key if it has one.</summary>
    public async Task<HttpResponseMessage> PostAsync(string signal, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/{signal}") { Content = content };
        if (_apiKey is not null)
        {
            request.Headers.Add(OtlpApiKeyValidator.HeaderName, _apiKey);
        }
        return await Http.SendAsync(request);
    }

    /// <summary>Call options with a deadline, the client's API key and any extra headers.</summary>
    public CallOptions CallOptions(params (string Name, string Value)[] headers)
    {
        var metadata = new Metadata();
        if (_apiKey is not null)
        {
            metadata.Add(OtlpApiKeyValidator.HeaderName, _apiKey);
        }
        foreach (var (name, value) in headers)
        {
            metadata.Add(name, value);
        }
        return new CallOptions(metadata, DateTime.UtcNow.Add(Timeout));
    }

    /// <summary>Sends one valid span over each transport and checks it was stored: the Collector is still serving.</summary>
    public async Task AssertStillServesAsync()
    {
        foreach (var transport in Enum.GetValues<OtlpTransport>())
        {
            var (request, traceId) = OtlpRequests.Trace(1, "still-serving");
            var response = await ExportAsync(request, transport);
            Assert.Null(response.PartialSuccess);
            Assert.Single(await _host.Store.GetTraceAsync(traceId, CancellationToken.None));
        }
    }

    /// <summary>The google.rpc.Status an OTLP/HTTP refusal carries, in protobuf or JSON as the response says.</summary>
    public static async Task<Google.Rpc.Status> ReadStatusAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        return response.Content.Headers.ContentType?.MediaType == "application/json"
            ? Google.Rpc.Status.Parser.ParseJson(System.Text.Encoding.UTF8.GetString(body))
            : Google.Rpc.Status.Parser.ParseFrom(body);
    }

    public static ByteArrayContent Content(byte[] body, string contentType, string? contentEncoding = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (contentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(contentEncoding);
        }
        return content;
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(bytes);
        }
        return compressed.ToArray();
    }

    /// <summary>Valid gzip of <paramref name="bytes"/> with its first deflate block header turned into the reserved block type.</summary>
    public static byte[] CorruptGzip(byte[] bytes)
    {
        var gzip = Gzip(bytes);
        // Byte 10 follows the 10-byte gzip header: 0xFF makes the first deflate block type 3, which does not exist.
        gzip[10] = 0xFF;
        return gzip;
    }

    public static ByteArrayContent Json(string json) => Content(System.Text.Encoding.UTF8.GetBytes(json), "application/json");

    public void Dispose()
    {
        Http.Dispose();
        _channel.Dispose();
    }

    private async Task<TResponse> ExportAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, string signal, TRequest request, OtlpTransport transport)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        if (transport == OtlpTransport.Grpc)
        {
            return await Grpc.AsyncUnaryCall(method, null, CallOptions(), request);
        }
        using var response = await PostAsync(signal, OtlpRequests.Protobuf(request));
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"POST /v1/{signal} answered {(int)response.StatusCode}: {(body.Length > 0 ? Google.Rpc.Status.Parser.ParseFrom(body).Message : "")}");
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        var parsed = new TResponse();
        parsed.MergeFrom(body);
        return parsed;
    }
}

/// <summary>
/// gRPC compression that announces gzip but sends each message as it is: for messages that are gzip already, like a
/// compression bomb built in advance or deliberately corrupt gzip.
/// </summary>
public sealed class PrecompressedGzipProvider : ICompressionProvider
{
    public string EncodingName => "gzip";

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) => new WriteThroughStream(stream);

    public Stream CreateDecompressionStream(Stream stream) => new GZipStream(stream, CompressionMode.Decompress);

    /// <summary>Writes straight to the inner stream and leaves it open when disposed.</summary>
    private sealed class WriteThroughStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

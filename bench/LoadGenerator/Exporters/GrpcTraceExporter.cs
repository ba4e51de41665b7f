using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Observability.Collector.Otlp.Proto.Collector.Trace.V1;

namespace Observability.Bench.LoadGenerator.Exporters;

/// <summary>
/// OTLP/gRPC over HTTP/2 without TLS. The request is the pre-encoded message itself: the raw marshaller hands the
/// byte array to the transport, so nothing is serialized per export.
/// </summary>
internal sealed class GrpcTraceExporter : ITraceExporter
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(static bytes => bytes, static bytes => bytes);
    private static readonly Method<byte[], byte[]> Export = new(MethodType.Unary, "opentelemetry.proto.collector.trace.v1.TraceService", "Export", Raw, Raw);

    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;
    private readonly Metadata? _headers;
    private readonly TimeSpan _timeout;

    public GrpcTraceExporter(Uri endpoint, string? apiKeyHeader, string? apiKey, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            // One connection per exporter, like one SDK per process; more streams than one are never in flight.
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        _channel = GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxSendMessageSize = null,
            MaxReceiveMessageSize = 4 * 1024 * 1024,
            MaxRetryAttempts = 0,
        });
        _invoker = _channel.CreateCallInvoker();
        _headers = apiKey is null ? null : new Metadata { { apiKeyHeader!, apiKey } };
        _timeout = timeout;
    }

    public async Task<ExportResult> ExportAsync(byte[] payload, CancellationToken cancellationToken)
    {
        try
        {
            using var call = _invoker.AsyncUnaryCall(Export, null, new CallOptions(_headers, DateTime.UtcNow + _timeout, cancellationToken), payload);
            var response = await call.ResponseAsync;
            var rejected = response.Length == 0 ? 0 : ExportTraceServiceResponse.Parser.ParseFrom(response).PartialSuccess?.RejectedSpans ?? 0;
            return new ExportResult(ExportResult.Ok, rejected, null);
        }
        catch (RpcException error) when (error.StatusCode == StatusCode.DeadlineExceeded)
        {
            return new ExportResult(ExportResult.Timeout, 0, null);
        }
        catch (RpcException error) when (!cancellationToken.IsCancellationRequested)
        {
            return new ExportResult($"gRPC {error.StatusCode}", 0, RetryDelay(error));
        }
    }

    /// <summary>OTLP receivers put the delay they want in a google.rpc.RetryInfo detail on UNAVAILABLE and RESOURCE_EXHAUSTED.</summary>
    private static TimeSpan? RetryDelay(RpcException error)
    {
        if (error.StatusCode is not (StatusCode.Unavailable or StatusCode.ResourceExhausted))
        {
            return null;
        }
        try
        {
            return error.GetRpcStatus()?.GetDetail<RetryInfo>()?.RetryDelay?.ToTimeSpan() ?? TimeSpan.FromSeconds(1);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return TimeSpan.FromSeconds(1);
        }
    }

    public void Dispose() => _channel.Dispose();
}

using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Observability.Collector.Hosting;
using Observability.Collector.Ingest;

namespace Observability.Collector.Otlp.Grpc;

/// <summary>
/// OTLP/gRPC: TraceService, MetricsService and LogsService Export. The methods receive the raw message bytes, so
/// decoding happens in the shared signal services and a malformed message is INVALID_ARGUMENT, not an internal error.
/// </summary>
public sealed class OtlpGrpcReceiver(
    OtlpTraceService traces,
    OtlpMetricsService metrics,
    OtlpLogsService logs,
    OtlpApiKeyValidator apiKeys,
    IOptions<CollectorOptions> options)
{
    /// <summary>HttpContext item that marks a refusal already counted in /metrics by the handler.</summary>
    internal const string CountedItem = "otlp.refusal.counted";

    public Task<IMessage> ExportTraces(byte[] payload, ServerCallContext context) => ExportAsync(traces, payload, context);

    public Task<IMessage> ExportMetrics(byte[] payload, ServerCallContext context) => ExportAsync(metrics, payload, context);

    public Task<IMessage> ExportLogs(byte[] payload, ServerCallContext context) => ExportAsync(logs, payload, context);

    private async Task<IMessage> ExportAsync<TRequest, TResponse>(OtlpSignalService<TRequest, TResponse> service, byte[] payload, ServerCallContext context)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>
    {
        try
        {
            apiKeys.Check(context.GetHttpContext().Request.Headers);
            return await service.ExportAsync(_ => ValueTask.FromResult<ReadOnlyMemory<byte>>(payload), OtlpEncoding.Protobuf, context.CancellationToken);
        }
        catch (OtlpExportException refusal)
        {
            service.CountRefusal(refusal);
            context.GetHttpContext().Items[CountedItem] = true;
            throw ToRpcException(refusal, options.Value.Ingest.RetryAfterSeconds);
        }
    }

    private static RpcException ToRpcException(OtlpExportException refusal, int retryAfterSeconds)
    {
        var status = new Google.Rpc.Status { Code = (int)refusal.GrpcStatus, Message = refusal.Message };
        if (refusal.IsRetryable)
        {
            // OTLP exporters honour RetryInfo's delay on UNAVAILABLE.
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(retryAfterSeconds)) }));
        }
        return status.ToRpcException();
    }
}

/// <summary>Binds the three OTLP Export methods to <see cref="OtlpGrpcReceiver"/> under their protocol names.</summary>
internal sealed class OtlpGrpcMethodProvider : IServiceMethodProvider<OtlpGrpcReceiver>
{
    private static readonly Marshaller<byte[]> RawRequest = new(
        static (payload, context) => context.Complete(payload),
        static context => context.PayloadAsNewBuffer());

    private static readonly Marshaller<IMessage> Response = new(
        static (message, context) => context.Complete(message.ToByteArray()),
        static _ => throw new NotSupportedException("The Collector never reads an OTLP response."));

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpGrpcReceiver> context)
    {
        context.AddUnaryMethod(Export("opentelemetry.proto.collector.trace.v1.TraceService"), [], (receiver, payload, call) => receiver.ExportTraces(payload, call));
        context.AddUnaryMethod(Export("opentelemetry.proto.collector.metrics.v1.MetricsService"), [], (receiver, payload, call) => receiver.ExportMetrics(payload, call));
        context.AddUnaryMethod(Export("opentelemetry.proto.collector.logs.v1.LogsService"), [], (receiver, payload, call) => receiver.ExportLogs(payload, call));
    }

    private static Method<byte[], IMessage> Export(string service) => new(MethodType.Unary, service, "Export", RawRequest, Response);
}

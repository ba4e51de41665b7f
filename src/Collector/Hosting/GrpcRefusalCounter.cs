using Observability.Collector.Ingest;
using Observability.Collector.Otlp.Grpc;

namespace Observability.Collector.Hosting;

/// <summary>
/// Counts gRPC exports that gRPC itself refused before they reached a receiver (a message over the size limit,
/// a compression bomb), so /metrics reports every refusal, not only those the receivers saw.
/// </summary>
internal sealed class GrpcRefusalCounter(RequestDelegate next, IngestMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (context.Features.Get<ListenerFeature>()?.Kind != ListenerKind.OtlpGrpc || context.Items.ContainsKey(OtlpGrpcReceiver.CountedItem))
        {
            return;
        }
        var status = context.Response.Headers["grpc-status"].ToString();
        if (status.Length == 0)
        {
            status = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseTrailersFeature>()?.Trailers["grpc-status"].ToString() ?? "";
        }
        if (status is "" or "0")
        {
            return;
        }
        var signal = context.Request.Path.Value switch
        {
            { } path when path.Contains(".trace.", StringComparison.Ordinal) => "traces",
            { } path when path.Contains(".metrics.", StringComparison.Ordinal) => "metrics",
            { } path when path.Contains(".logs.", StringComparison.Ordinal) => "logs",
            _ => "unknown",
        };
        var reason = status switch
        {
            "8" => "too_large",
            "3" => "malformed",
            "12" => "unimplemented",
            _ => "grpc_status_" + status,
        };
        metrics.RequestsRejected.WithLabels(signal, reason).Inc();
    }
}

using Google.Protobuf;
using Observability.Collector.Ingest;
using Observability.Core.Telemetry;

namespace Observability.Collector.Otlp;

/// <summary>
/// The transport-neutral half of an OTLP receiver: decode, validate item by item, commit, and build the response
/// with OTLP's partial-success fields. The gRPC and HTTP adapters only move bytes and map errors to statuses.
/// </summary>
public abstract class OtlpSignalService<TRequest, TResponse>(string signal, string itemNoun, TelemetryIngestor ingestor, IngestMetrics metrics)
    where TRequest : IMessage<TRequest>, new()
    where TResponse : IMessage<TResponse>
{
    /// <summary>"traces", "metrics" or "logs": the label of this signal in /metrics.</summary>
    public string Signal { get; } = signal;

    protected abstract MessageParser<TRequest> Parser { get; }

    /// <summary>
    /// Reads, decodes and validates an export, then commits what is valid and answers with OTLP's partial-success
    /// fields. Reading and decoding hold one of a few decode slots, so decoded memory stays bounded however many
    /// clients send at once; waiting for the commit does not.
    /// </summary>
    public async Task<TResponse> ExportAsync(Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>> readPayload, OtlpEncoding encoding, CancellationToken cancellationToken)
    {
        if (ingestor.IsQueueFull)
        {
            throw TelemetryIngestor.QueueFull();
        }
        var batch = new TelemetryBatch();
        var rejections = new OtlpRejections(itemNoun);
        await ingestor.DecodeSlots.WaitAsync(cancellationToken);
        try
        {
            var payload = await readPayload(cancellationToken);
            var request = OtlpDecoder.Decode(Parser, payload, encoding);
            Map(request, batch, rejections, new OtlpJsonEncoder());
        }
        finally
        {
            ingestor.DecodeSlots.Release();
        }

        metrics.ItemsReceived.WithLabels(Signal).Inc(batch.ItemCount + rejections.Count);
        foreach (var (reason, count) in rejections.CountsByReason)
        {
            metrics.ItemsRejected.WithLabels(Signal, reason).Inc(count);
        }
        if (batch.ItemCount > 0)
        {
            await ingestor.CommitAsync(Signal, batch);
        }
        return CreateResponse(rejections.Count, rejections.Message);
    }

    /// <summary>Counts a whole refused request in /metrics.</summary>
    public void CountRefusal(OtlpExportException refusal) => metrics.RequestsRejected.WithLabels(Signal, refusal.Reason).Inc();

    private protected abstract void Map(TRequest request, TelemetryBatch batch, OtlpRejections rejections, OtlpJsonEncoder json);

    protected abstract TResponse CreateResponse(long rejected, string errorMessage);
}

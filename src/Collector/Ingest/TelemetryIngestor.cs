using Microsoft.Extensions.Options;
using Observability.Collector.Hosting;
using Observability.Collector.Otlp;
using Observability.Core.Telemetry;

namespace Observability.Collector.Ingest;

/// <summary>Hands a validated batch to the queue and waits for its commit; counts what was accepted and refused.</summary>
public sealed class TelemetryIngestor(IngestQueue queue, IngestMetrics metrics, IOptions<CollectorOptions> options)
{
    /// <summary>True when exports should be refused before their bodies are even read.</summary>
    public bool IsQueueFull => queue.IsFull;

    /// <summary>Limits how many exports are read and decoded at once, across all signals and transports.</summary>
    public SemaphoreSlim DecodeSlots { get; } = new(options.Value.Ingest.MaxConcurrentDecodes);

    public async Task CommitAsync(string signal, TelemetryBatch batch)
    {
        var items = batch.ItemCount;
        var committed = queue.TryEnqueue(batch);
        if (committed is null)
        {
            metrics.ItemsRejected.WithLabels(signal, "queue_full").Inc(items);
            throw QueueFull();
        }
        try
        {
            await committed;
        }
        catch (Exception error)
        {
            metrics.ItemsRejected.WithLabels(signal, "storage_unavailable").Inc(items);
            throw new OtlpExportException(OtlpRefusal.StorageUnavailable, "Storage could not commit the export; retry later.", error);
        }
        metrics.ItemsAccepted.WithLabels(signal).Inc(items);
    }

    public static OtlpExportException QueueFull() =>
        new(OtlpRefusal.QueueFull, "The Collector's ingest queue is full; retry after the delay given.");
}

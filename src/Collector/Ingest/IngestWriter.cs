using System.Diagnostics;
using Microsoft.Extensions.Options;
using Observability.Collector.Hosting;
using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Collector.Ingest;

/// <summary>
/// Group commit: takes every batch waiting in the queue (up to a limit), commits them in one storage transaction,
/// then releases the receivers waiting on them. Under load, many exports share one commit. The store's
/// <see cref="ITelemetryStore.ConcurrentWriters"/> loops do this side by side, so one group is prepared (and on
/// PostgreSQL sent) while another commits.
/// </summary>
public sealed class IngestWriter(
    IngestQueue queue,
    ITelemetryStore store,
    IngestMetrics metrics,
    IOptions<CollectorOptions> options,
    ILogger<IngestWriter> logger) : BackgroundService
{
    private readonly int _maxBatchItems = options.Value.Ingest.MaxBatchItems;

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        // Kestrel has already stopped taking requests; commit what was queued so every waiting client gets its answer.
        queue.Complete();
        return base.StopAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, store.ConcurrentWriters)).Select(_ => Task.Run(CommitGroupsAsync, CancellationToken.None)));

    private async Task CommitGroupsAsync()
    {
        var reader = queue.Reader;
        var group = new List<IngestWorkItem>();
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            group.Clear();
            var items = 0;
            while (items < _maxBatchItems && reader.TryRead(out var work))
            {
                group.Add(work);
                items += work.Batch.ItemCount;
            }
            if (group.Count == 0)
            {
                // Another loop took what woke this one.
                continue;
            }
            try
            {
                await CommitAsync(group, items);
            }
            finally
            {
                queue.Release(items);
            }
        }
    }

    private async Task CommitAsync(List<IngestWorkItem> group, int items)
    {
        TelemetryBatch merged;
        if (group.Count == 1)
        {
            merged = group[0].Batch;
        }
        else
        {
            merged = new TelemetryBatch();
            foreach (var work in group)
            {
                merged.AddRange(work.Batch);
            }
        }

        if (await TryWriteAsync(merged))
        {
            metrics.BatchItems.Observe(items);
            group.ForEach(work => work.MarkCommitted());
            return;
        }

        // One bad export must not sink the others that shared its transaction: retry each on its own.
        if (group.Count > 1)
        {
            foreach (var work in group)
            {
                if (await TryWriteAsync(work.Batch))
                {
                    metrics.BatchItems.Observe(work.Batch.ItemCount);
                    work.MarkCommitted();
                }
                else
                {
                    work.MarkFailed(new StorageUnavailableException());
                }
            }
            return;
        }
        group[0].MarkFailed(new StorageUnavailableException());
    }

    private async Task<bool> TryWriteAsync(TelemetryBatch batch)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await store.WriteAsync(batch, CancellationToken.None);
            metrics.CommitDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            return true;
        }
        catch (Exception error)
        {
            metrics.CommitFailures.Inc();
            logger.LogError(error, "Committing {Items} telemetry items to {Provider} failed", batch.ItemCount, store.ProviderName);
            return false;
        }
    }
}

/// <summary>Storage could not commit an export; the client should retry.</summary>
public sealed class StorageUnavailableException() : Exception("Storage is unavailable; the export was not stored.");

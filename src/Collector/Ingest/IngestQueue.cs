using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Observability.Collector.Hosting;
using Observability.Core.Telemetry;

namespace Observability.Collector.Ingest;

/// <summary>
/// The bounded hand-off between receivers and the batch writer. Capacity is counted in telemetry items, not
/// requests, so memory stays bounded whatever the export sizes. A receiver awaits the returned task, which
/// completes only once the batch is committed: that is what makes an OTLP success response a durability promise.
/// </summary>
public sealed class IngestQueue
{
    private readonly Channel<IngestWorkItem> _channel = Channel.CreateUnbounded<IngestWorkItem>(new UnboundedChannelOptions { SingleReader = false });
    private readonly IngestMetrics _metrics;
    private readonly int _capacity;
    private long _queuedItems;

    public IngestQueue(IOptions<CollectorOptions> options, IngestMetrics metrics)
    {
        _metrics = metrics;
        _capacity = options.Value.Ingest.QueueCapacityItems;
        _metrics.QueueCapacity.Set(_capacity);
    }

    public long QueuedItems => Interlocked.Read(ref _queuedItems);

    /// <summary>True when the queue cannot take any more items; receivers check it before reading a body.</summary>
    public bool IsFull => QueuedItems >= _capacity;

    internal ChannelReader<IngestWorkItem> Reader => _channel.Reader;

    /// <summary>
    /// Queues a batch for commit. Returns null when the queue is full. A batch larger than the whole capacity is
    /// still taken when the queue is empty, so no export is refused forever.
    /// </summary>
    public Task? TryEnqueue(TelemetryBatch batch)
    {
        var items = batch.ItemCount;
        var after = Interlocked.Add(ref _queuedItems, items);
        if (after > _capacity && after != items)
        {
            Interlocked.Add(ref _queuedItems, -items);
            return null;
        }
        var work = new IngestWorkItem(batch);
        if (!_channel.Writer.TryWrite(work))
        {
            Interlocked.Add(ref _queuedItems, -items);
            return null;
        }
        _metrics.QueueItems.Set(after);
        return work.Committed;
    }

    /// <summary>Called by the writer once items have left the queue (committed or failed).</summary>
    internal void Release(int items) => _metrics.QueueItems.Set(Interlocked.Add(ref _queuedItems, -items));

    /// <summary>Stops accepting work; the writer drains what is queued.</summary>
    internal void Complete() => _channel.Writer.TryComplete();
}

/// <summary>One receiver's batch and the promise the writer keeps once it is committed.</summary>
internal sealed class IngestWorkItem(TelemetryBatch batch)
{
    private readonly TaskCompletionSource _committed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TelemetryBatch Batch { get; } = batch;

    public Task Committed => _committed.Task;

    public void MarkCommitted() => _committed.TrySetResult();

    public void MarkFailed(Exception error) => _committed.TrySetException(error);
}

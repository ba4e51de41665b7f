using Observability.Core.Telemetry;

namespace Observability.Core.Storage;

/// <summary>
/// Remembers which catalog entries (operations, metric descriptors) this process has already stored, so a batch
/// inserts only what is new: after the first minute almost every batch inserts nothing.
/// </summary>
internal sealed class CatalogTracker
{
    private readonly Lock _lock = new();
    private readonly HashSet<SpanOperation> _operations = [];
    private readonly HashSet<MetricDescriptor> _metrics = [];

    public (List<SpanOperation> Operations, List<MetricDescriptor> Metrics) Unknown(TelemetryBatch batch)
    {
        var operations = new HashSet<SpanOperation>();
        var metrics = new HashSet<MetricDescriptor>();
        lock (_lock)
        {
            foreach (var span in batch.Spans)
            {
                var operation = new SpanOperation(span.Resource.ServiceName, span.Name, span.Kind);
                if (!_operations.Contains(operation))
                {
                    operations.Add(operation);
                }
            }
            foreach (var point in batch.MetricPoints)
            {
                var metric = new MetricDescriptor(point.MetricName, point.Type, point.Unit, point.Description);
                if (!_metrics.Contains(metric))
                {
                    metrics.Add(metric);
                }
            }
        }
        return ([.. operations], [.. metrics]);
    }

    /// <summary>Called once the transaction that inserted them has committed.</summary>
    public void Remember(List<SpanOperation> operations, List<MetricDescriptor> metrics)
    {
        lock (_lock)
        {
            _operations.UnionWith(operations);
            _metrics.UnionWith(metrics);
        }
    }
}

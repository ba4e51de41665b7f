using Observability.Core.Metrics;
using Prometheus;

namespace Observability.Collector.Ingest;

/// <summary>The Collector's own metrics, exposed on /metrics in Prometheus text format.</summary>
public sealed class IngestMetrics
{
    public IngestMetrics(CollectorRegistry registry)
    {
        Registry = registry;
        var factory = Metrics.WithCustomRegistry(registry);
        ItemsReceived = factory.CreateCounter("otlp_items_received_total", "Telemetry items decoded from OTLP exports.", "signal");
        ItemsAccepted = factory.CreateCounter("otlp_items_accepted_total", "Telemetry items committed to storage.", "signal");
        ItemsRejected = factory.CreateCounter("otlp_items_rejected_total", "Telemetry items refused, by reason.", "signal", "reason");
        RequestsRejected = factory.CreateCounter("otlp_requests_rejected_total", "Whole OTLP export requests refused, by reason.", "signal", "reason");
        QueueItems = factory.CreateGauge("ingest_queue_items", "Telemetry items waiting in the ingest queue for a commit.");
        QueueCapacity = factory.CreateGauge("ingest_queue_capacity_items", "Capacity of the ingest queue in items.");
        BatchItems = factory.CreateHistogram("ingest_batch_items", "Items committed per storage transaction.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 4, 10) });
        CommitDuration = factory.CreateHistogram("storage_commit_duration_seconds", "Time to commit one batch to storage.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });
        CommitFailures = factory.CreateCounter("storage_commit_failures_total", "Storage transactions that failed.");
    }

    public CollectorRegistry Registry { get; }

    public Counter ItemsReceived { get; }

    public Counter ItemsAccepted { get; }

    public Counter ItemsRejected { get; }

    public Counter RequestsRejected { get; }

    public Gauge QueueItems { get; }

    public Gauge QueueCapacity { get; }

    public Histogram BatchItems { get; }

    public Histogram CommitDuration { get; }

    public Counter CommitFailures { get; }
}

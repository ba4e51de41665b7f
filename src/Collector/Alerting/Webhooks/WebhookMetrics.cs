using Prometheus;

namespace Observability.Collector.Alerting.Webhooks;

/// <summary>Webhook delivery on /metrics: attempts by receiver and outcome, and how long receivers take to answer.</summary>
public sealed class WebhookMetrics
{
    public WebhookMetrics(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        Attempts = factory.CreateCounter("webhook_delivery_attempts_total",
            "Webhook delivery attempts, by receiver and outcome (delivered, retry, failed).", "receiver", "outcome");
        Duration = factory.CreateHistogram("webhook_delivery_duration_seconds", "Time from sending a webhook to its answer (or timeout).",
            new HistogramConfiguration { LabelNames = ["receiver"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 15) });
        Enqueued = factory.CreateCounter("webhook_notifications_enqueued_total", "Notifications added to the outbox, by receiver.", "receiver");
    }

    public Counter Attempts { get; }

    public Histogram Duration { get; }

    public Counter Enqueued { get; }
}

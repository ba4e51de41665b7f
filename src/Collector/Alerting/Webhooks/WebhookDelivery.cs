using Hangfire;

namespace Observability.Collector.Alerting.Webhooks;

/// <summary>Starts a webhook run now rather than at the next second's tick: call it after alerts change.</summary>
public sealed class WebhookDelivery(IBackgroundJobClient jobs)
{
    /// <summary>Enqueues one run of <see cref="WebhookDeliveryJob.RunAsync"/> (dispatch, then delivery) on any Collector's worker.</summary>
    public void NotifyEnqueued() => jobs.Enqueue<WebhookDeliveryJob>(job => job.RunAsync(CancellationToken.None));
}

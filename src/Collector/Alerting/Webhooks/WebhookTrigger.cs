using Microsoft.Extensions.Options;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Rules;

namespace Observability.Collector.Alerting.Webhooks;

/// <summary>After an evaluation that changed an alert's state, runs the webhook tick now rather than at its next second.</summary>
public sealed class WebhookTrigger(WebhookDelivery delivery, IOptions<WebhookOptions> options) : IAlertStateObserver
{
    public Task AlertsEvaluatedAsync(IReadOnlyList<AlertInstance> alerts, IReadOnlyList<AlertTransition> transitions, CancellationToken cancellationToken)
    {
        if (options.Value.Webhooks.Count > 0 && transitions.Any(t => t.To is AlertState.Firing or AlertState.Resolved))
        {
            delivery.NotifyEnqueued();
        }
        return Task.CompletedTask;
    }
}

using System.Text;
using Observability.Core.Alerting.Notifications;
using Observability.Core.Alerting.Rules;

namespace Observability.Collector.Alerting.Webhooks;

/// <summary>
/// A test notification: one firing alert "ObservabilityTestNotification" in Alertmanager's webhook body, signed and sent
/// once through <see cref="WebhookSender"/> (no outbox, no retry), so an admin sees at once whether the receiver works.
/// </summary>
public sealed class WebhookTestNotification(WebhookSender sender, NotificationDispatcher dispatcher, TimeProvider time)
{
    public const string AlertName = "ObservabilityTestNotification";

    public async Task<WebhookSendResult> SendAsync(string receiverName, WebhookReceiverOptions receiver, string sentBy, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["alertname"] = AlertName,
            ["severity"] = "none",
        };
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["summary"] = $"Test notification for receiver {receiverName}, sent from the dashboard's Settings by {sentBy}; no action needed.",
        };
        var groupLabels = NotificationDispatcher.GroupLabels(labels, receiver.EffectiveGroupBy);
        var alert = new AlertmanagerPayload.PayloadAlert(
            AlertmanagerPayload.Firing, labels, annotations, now, null, dispatcher.ExternalUrl + "/settings", AlertFingerprint.Of(labels));
        var payload = AlertmanagerPayload.Write(receiverName, NotificationDispatcher.GroupKey(receiver, groupLabels), groupLabels, [alert], dispatcher.ExternalUrl);
        return await sender.SendAsync(receiver, Encoding.UTF8.GetBytes(payload), "test-" + Guid.NewGuid().ToString("N"), now, cancellationToken);
    }
}

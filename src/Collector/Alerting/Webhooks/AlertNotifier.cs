using Observability.Core.Alerting.Notifications;
using Observability.Core.Storage;

namespace Observability.Collector.Alerting.Webhooks;

/// <summary>
/// Runs the dispatcher over the stored alerts, silences and groups, and keeps what it decides: new notifications into the
/// outbox first, then the groups' state, so a crash between the two recomputes the same flush and the outbox keeps it once.
/// </summary>
public sealed class AlertNotifier(
    ITelemetryStore store,
    NotificationDispatcher dispatcher,
    WebhookReceivers webhookReceivers,
    WebhookMetrics metrics,
    WebhookRunLock runLock,
    TimeProvider time)
{
    /// <summary>
    /// One dispatch at the current time, under the cluster-wide webhook lock (waiting up to a minute for a run in
    /// progress); returns the notifications that were new to the outbox.
    /// </summary>
    public async Task<IReadOnlyList<Core.Alerting.Notification>> DispatchAsync(CancellationToken cancellationToken)
    {
        using var held = runLock.Acquire();
        return await DispatchLockedAsync(cancellationToken);
    }

    /// <summary>One dispatch by a caller that holds the webhook lock.</summary>
    internal async Task<IReadOnlyList<Core.Alerting.Notification>> DispatchLockedAsync(CancellationToken cancellationToken)
    {
        var receivers = await webhookReceivers.GetAllAsync(cancellationToken);
        var alerting = store.Alerting;
        var groups = await alerting.GetGroupsAsync(cancellationToken);
        if (receivers.Count == 0 && groups.Count == 0)
        {
            return [];
        }
        var now = time.GetUtcNow();
        var alerts = await alerting.GetAlertsAsync(cancellationToken);
        var silences = await alerting.GetSilencesAsync(now, cancellationToken);
        var result = dispatcher.Dispatch(now, alerts, silences, groups, receivers);
        IReadOnlyList<Core.Alerting.Notification> added = [];
        if (result.Notifications.Count > 0)
        {
            added = await alerting.EnqueueAsync(result.Notifications, cancellationToken);
            foreach (var notification in added)
            {
                metrics.Enqueued.WithLabels(notification.Receiver).Inc();
            }
        }
        if (result.SavedGroups.Count > 0 || result.DeletedGroups.Count > 0)
        {
            await alerting.SaveGroupsAsync(result.SavedGroups, result.DeletedGroups, cancellationToken);
        }
        return added;
    }
}

using System.Text;
using Hangfire;
using Microsoft.Extensions.Options;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Incidents;
using Observability.Core.Alerting.Notifications;
using Observability.Core.Storage;

namespace Observability.Collector.Alerting.Webhooks;

/// <summary>
/// The webhook tick: dispatches the stored alerts into notifications, then POSTs every due notification of the outbox,
/// signed, and records each attempt. Receivers are served in parallel; one receiver's notifications in creation order.
/// Runs under a cluster-wide lock so Collectors sharing a database never send one notification twice.
/// </summary>
public sealed class WebhookDeliveryJob(
    ITelemetryStore store,
    AlertNotifier notifier,
    WebhookReceivers receivers,
    WebhookSender sender,
    IOptions<WebhookOptions> options,
    WebhookMetrics metrics,
    WebhookRunLock runLock,
    IncidentService incidents,
    TimeProvider time,
    ILogger<WebhookDeliveryJob> logger)
{
    public const string RecurringJobId = "webhook-delivery";
    public const string HttpClientName = "webhooks";

    /// <summary>Every second: a retry due in 1 s is not held back by the schedule.</summary>
    public const string EverySecond = "* * * * * *";

    private readonly DeliveryPolicy _policy = new(options.Value.Delivery);

    /// <summary>
    /// The recurring (and on-demand) run. When another run holds the lock it returns at once instead of waiting: the
    /// Collector has two Hangfire workers, and a run waiting on a slow receiver must not hold the second one too.
    /// This lock, rather than [DisableConcurrentExecution], is what makes it skip instead of queue.
    /// </summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if ((await receivers.GetAllAsync(cancellationToken)).Count == 0)
        {
            return;
        }
        using var held = runLock.TryAcquire(TimeSpan.FromMilliseconds(100));
        if (held is null)
        {
            return;
        }
        await notifier.DispatchLockedAsync(cancellationToken);
        await DeliverCoreAsync(cancellationToken);
    }

    /// <summary>Delivers every due notification once, waiting up to a minute for a run in progress elsewhere. Returns attempts made.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        using var held = runLock.Acquire();
        return await DeliverCoreAsync(cancellationToken);
    }

    private async Task<int> DeliverCoreAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var due = await store.Alerting.GetDueAsync(time.GetUtcNow(), settings.Delivery.BatchSize, cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }
        var current = await receivers.GetAllAsync(cancellationToken);
        var attempts = await Task.WhenAll(due
            .GroupBy(n => n.Receiver, StringComparer.Ordinal)
            .Select(receiver => DeliverToAsync(receiver.Key, current, [.. receiver.OrderBy(n => n.CreatedAt)], cancellationToken)));
        return attempts.Sum();
    }

    /// <summary>
    /// One receiver's due notifications in order. After a retryable failure the rest wait for the next run, so a receiver
    /// that is down costs each run one timeout at most, not one per notification.
    /// </summary>
    private async Task<int> DeliverToAsync(
        string name, IReadOnlyDictionary<string, WebhookReceiverOptions> current, IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        var made = 0;
        if (!current.TryGetValue(name, out var receiver))
        {
            foreach (var notification in notifications)
            {
                await store.Alerting.RecordAttemptAsync(
                    new DeliveryAttempt(notification.Id, notification.Attempts + 1, time.GetUtcNow(), null, 0,
                        $"receiver '{name}' is no longer configured (Alerting:Webhooks:{name}) nor stored (Settings, Webhooks)"),
                    NotificationStatus.Failed, null, cancellationToken);
                metrics.Attempts.WithLabels(name, "failed").Inc();
                made++;
            }
            return made;
        }
        foreach (var notification in notifications)
        {
            made++;
            if (await AttemptAsync(name, receiver, notification, cancellationToken) == DeliveryOutcome.Retry)
            {
                break;
            }
        }
        return made;
    }

    private async Task<DeliveryOutcome> AttemptAsync(string name, WebhookReceiverOptions receiver, Notification notification, CancellationToken cancellationToken)
    {
        var attempt = notification.Attempts + 1;
        var at = time.GetUtcNow();
        var body = Encoding.UTF8.GetBytes(notification.Payload);
        var sent = await sender.SendAsync(receiver, body, notification.IdempotencyKey, at, cancellationToken);
        var (status, error) = (sent.StatusCode, sent.Error);

        var outcome = DeliveryPolicy.Classify(status);
        DateTimeOffset? next = null;
        if (outcome == DeliveryOutcome.Retry)
        {
            next = _policy.NextAttempt(notification.CreatedAt, time.GetUtcNow(), attempt, sent.RetryAfter, Random.Shared.NextDouble());
            if (next is null)
            {
                outcome = DeliveryOutcome.Failed;
                error = $"{error}; given up after {attempt} attempts ({options.Value.Delivery.GiveUpAfter} after it was created)";
            }
        }
        var delivery = outcome switch
        {
            DeliveryOutcome.Delivered => NotificationStatus.Delivered,
            DeliveryOutcome.Retry => NotificationStatus.Pending,
            _ => NotificationStatus.Failed,
        };
        await store.Alerting.RecordAttemptAsync(
            new DeliveryAttempt(notification.Id, attempt, at, status, sent.LatencyMilliseconds, error), delivery, next, CancellationToken.None);
        metrics.Attempts.WithLabels(name, outcome.ToString().ToLowerInvariant()).Inc();
        metrics.Duration.WithLabels(name).Observe(sent.LatencyMilliseconds / 1000);
        if (outcome == DeliveryOutcome.Delivered)
        {
            await RecordNotifiedAsync(name, notification, at);
        }
        else
        {
            logger.LogInformation("Webhook {Receiver} notification {Id} attempt {Attempt}: {Error} ({Outcome})", name, notification.Id, attempt, error, outcome);
        }
        return outcome;
    }

    /// <summary>The incidents of the firing alerts a delivered notification carried were notified then (the first time only).</summary>
    private async Task RecordNotifiedAsync(string receiver, Notification notification, DateTimeOffset at)
    {
        try
        {
            using var payload = System.Text.Json.JsonDocument.Parse(notification.Payload);
            var firing = payload.RootElement.GetProperty("alerts").EnumerateArray()
                .Where(alert => alert.GetProperty("status").GetString() == "firing")
                .Select(alert => alert.GetProperty("fingerprint").GetString()!)
                .ToList();
            if (firing.Count > 0)
            {
                await incidents.OnNotifiedAsync(firing, at, receiver, CancellationToken.None);
            }
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The webhook went out; a missed "notified" step is worth a log line, not a second delivery.
            logger.LogWarning(error, "Could not record notification {Id} on its incidents", notification.Id);
        }
    }
}

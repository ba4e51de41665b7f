namespace Observability.Core.Alerting;

public enum NotificationStatus
{
    /// <summary>Not delivered yet; the next attempt is due at <see cref="Notification.NextAttemptAt"/>.</summary>
    Pending,
    Delivered,
    /// <summary>Given up: a 4xx other than 408 and 429, or retries exhausted.</summary>
    Failed,
}

/// <summary>
/// One webhook notification in the outbox: its Alertmanager JSON body exactly as it is sent on every attempt, and the
/// idempotency key that tells a receiver two attempts are the same notification. Enqueued once per key.
/// </summary>
public sealed record Notification(
    string Id,
    string Receiver,
    string GroupKey,
    string IdempotencyKey,
    string Status,
    string Payload,
    NotificationStatus Delivery,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    string? LastError);

/// <summary>One delivery attempt: when, the HTTP status (null when none came back), how long it took, and why it failed.</summary>
public sealed record DeliveryAttempt(string NotificationId, int Attempt, DateTimeOffset At, int? StatusCode, double LatencyMs, string? Error);

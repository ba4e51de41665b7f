using System.Data.Common;
using Observability.Core.Alerting;
using Observability.Core.Telemetry;

namespace Observability.Core.Storage;

/// <summary>The webhook outbox.</summary>
internal sealed partial class AlertingTables
{
    private const string NotificationColumns = """
        id, receiver, group_key, idempotency_key, status, payload, delivery, attempts, created_at_unix_nano,
        next_attempt_at_unix_nano, delivered_at_unix_nano, last_error
        """;

    public async Task<IReadOnlyList<Notification>> EnqueueAsync(IReadOnlyCollection<Notification> notifications, CancellationToken cancellationToken)
    {
        var added = new List<Notification>(notifications.Count);
        foreach (var notification in notifications)
        {
            // One statement each, so the rows changed tell which keys were new.
            var changed = await sql.ExecuteAsync($"""
                INSERT INTO notifications ({NotificationColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                ON CONFLICT (idempotency_key) DO NOTHING;
                """, [notification.Id, notification.Receiver, notification.GroupKey, notification.IdempotencyKey, notification.Status,
                    notification.Payload, notification.Delivery.ToString().ToLowerInvariant(), (long)notification.Attempts,
                    UnixTime.Nanos(notification.CreatedAt), Nanos(notification.NextAttemptAt), Nanos(notification.DeliveredAt),
                    notification.LastError], cancellationToken);
            if (changed > 0)
            {
                added.Add(notification);
            }
        }
        return added;
    }

    public async Task<Notification?> GetNotificationAsync(string id, CancellationToken cancellationToken) =>
        (await sql.ReadAsync($"SELECT {NotificationColumns} FROM notifications WHERE id = $1;", [id], ReadNotification, cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<Notification>> GetDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        await sql.ReadAsync($"""
            SELECT {NotificationColumns} FROM notifications
            WHERE delivery = 'pending' AND next_attempt_at_unix_nano <= $1
            ORDER BY next_attempt_at_unix_nano LIMIT $2;
            """, [UnixTime.Nanos(now), (long)limit], ReadNotification, cancellationToken);

    public async Task RecordAttemptAsync(DeliveryAttempt attempt, NotificationStatus delivery, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync([
            ("""
             INSERT INTO notification_attempts (notification_id, attempt, at_unix_nano, status_code, latency_ms, error)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (notification_id, attempt) DO NOTHING;
             """, [attempt.NotificationId, (long)attempt.Attempt, UnixTime.Nanos(attempt.At), attempt.StatusCode is { } code ? (long)code : null,
                 attempt.LatencyMs, attempt.Error]),
            ("""
             UPDATE notifications SET delivery = $2, attempts = $3, next_attempt_at_unix_nano = $4,
                 delivered_at_unix_nano = $5, last_error = $6
             WHERE id = $1;
             """, [attempt.NotificationId, delivery.ToString().ToLowerInvariant(), (long)attempt.Attempt, Nanos(nextAttemptAt),
                 delivery == NotificationStatus.Delivered ? UnixTime.Nanos(attempt.At) : null, attempt.Error]),
        ], cancellationToken);

    public async Task<IReadOnlyList<Notification>> GetNotificationsAsync(string? receiver, int limit, CancellationToken cancellationToken) =>
        receiver is null
            ? await sql.ReadAsync($"SELECT {NotificationColumns} FROM notifications ORDER BY created_at_unix_nano DESC LIMIT $1;",
                [(long)limit], ReadNotification, cancellationToken)
            : await sql.ReadAsync($"SELECT {NotificationColumns} FROM notifications WHERE receiver = $1 ORDER BY created_at_unix_nano DESC LIMIT $2;",
                [receiver, (long)limit], ReadNotification, cancellationToken);

    public async Task<IReadOnlyList<DeliveryAttempt>> GetAttemptsAsync(string notificationId, CancellationToken cancellationToken) =>
        await sql.ReadAsync("""
            SELECT notification_id, attempt, at_unix_nano, status_code, latency_ms, error
            FROM notification_attempts WHERE notification_id = $1 ORDER BY attempt;
            """, [notificationId], reader => new DeliveryAttempt(
                reader.GetString(0), (int)reader.GetInt64(1), Time(reader, 2), reader.IsDBNull(3) ? null : (int)reader.GetInt64(3),
                reader.GetDouble(4), OptionalString(reader, 5)), cancellationToken);

    private static Notification ReadNotification(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
        Enum.Parse<NotificationStatus>(reader.GetString(6), ignoreCase: true), (int)reader.GetInt64(7), Time(reader, 8),
        OptionalTime(reader, 9), OptionalTime(reader, 10), OptionalString(reader, 11));
}

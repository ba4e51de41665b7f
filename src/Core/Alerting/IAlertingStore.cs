using Observability.Core.Kpis;

namespace Observability.Core.Alerting;

/// <summary>Alert states and the dispatcher's aggregation groups: what the evaluator and dispatcher keep across restarts.</summary>
public interface IAlertStateStore
{
    Task<IReadOnlyList<AlertInstance>> GetAlertsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Inserts or replaces alerts by fingerprint, and deletes the fingerprints given, in one transaction. An
    /// acknowledgement stored meanwhile survives while the alert's episode (its FiringSince) is the same.
    /// </summary>
    Task SaveAlertsAsync(IReadOnlyCollection<AlertInstance> alerts, IReadOnlyCollection<string> deleted, CancellationToken cancellationToken);

    /// <summary>Acknowledges a firing alert not yet acknowledged; false when there is none such.</summary>
    Task<bool> AcknowledgeAsync(string fingerprint, string by, DateTimeOffset at, CancellationToken cancellationToken);

    Task<IReadOnlyList<AlertGroupRecord>> GetGroupsAsync(CancellationToken cancellationToken);

    /// <summary>Inserts or replaces groups by (receiver, group key), and deletes the groups given, in one transaction.</summary>
    Task SaveGroupsAsync(IReadOnlyCollection<AlertGroupRecord> groups, IReadOnlyCollection<(string Receiver, string GroupKey)> deleted, CancellationToken cancellationToken);
}

public interface ISilenceStore
{
    Task AddSilenceAsync(Silence silence, CancellationToken cancellationToken);

    /// <summary>Silences that have not ended before <paramref name="since"/>, newest first.</summary>
    Task<IReadOnlyList<Silence>> GetSilencesAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Ends a silence at <paramref name="at"/> (kept for the record); false when there is no such active silence.</summary>
    Task<bool> ExpireSilenceAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>The webhook outbox: notifications and every delivery attempt.</summary>
public interface INotificationOutbox
{
    /// <summary>Adds notifications; one whose idempotency key is already stored is left as it is. Returns those that were new.</summary>
    Task<IReadOnlyList<Notification>> EnqueueAsync(IReadOnlyCollection<Notification> notifications, CancellationToken cancellationToken);

    Task<Notification?> GetNotificationAsync(string id, CancellationToken cancellationToken);

    /// <summary>Pending notifications whose next attempt is due at <paramref name="now"/>, oldest first.</summary>
    Task<IReadOnlyList<Notification>> GetDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Records an attempt and the notification's new state, in one transaction.</summary>
    Task RecordAttemptAsync(DeliveryAttempt attempt, NotificationStatus delivery, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken);

    /// <summary>The newest notifications (optionally of one receiver), newest first.</summary>
    Task<IReadOnlyList<Notification>> GetNotificationsAsync(string? receiver, int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeliveryAttempt>> GetAttemptsAsync(string notificationId, CancellationToken cancellationToken);
}

/// <summary>Incidents and their audited timelines; MTTD and MTTR read them through <see cref="IIncidentHistory"/>.</summary>
public interface IIncidentStore : IIncidentHistory
{
    Task AddIncidentAsync(Incident incident, IncidentEvent opened, CancellationToken cancellationToken);

    /// <summary>Replaces an incident's fields and appends audit events, in one transaction.</summary>
    Task UpdateIncidentAsync(Incident incident, IReadOnlyCollection<IncidentEvent> events, CancellationToken cancellationToken);

    Task<Incident?> GetIncidentAsync(string id, CancellationToken cancellationToken);

    /// <summary>Incidents detected in [from, to) (all when null), newest first.</summary>
    Task<IReadOnlyList<Incident>> GetIncidentsAsync(DateTimeOffset? from, DateTimeOffset? to, bool openOnly, int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<IncidentEvent>> GetIncidentEventsAsync(string id, CancellationToken cancellationToken);
}

/// <summary>Everything alerting keeps, in the telemetry database.</summary>
public interface IAlertingStore : IAlertStateStore, ISilenceStore, INotificationOutbox, IIncidentStore;

namespace Observability.Core.Alerting.Notifications;

/// <summary>What one dispatch decided: groups to save, groups to delete, and notifications to enqueue in the outbox.</summary>
public sealed record DispatchResult(
    IReadOnlyList<AlertGroupRecord> SavedGroups,
    IReadOnlyList<(string Receiver, string GroupKey)> DeletedGroups,
    IReadOnlyList<Notification> Notifications);

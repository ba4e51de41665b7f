using Observability.Core.Alerting;
using Observability.Core.Alerting.Notifications;

namespace Observability.Core.Tests.Alerting.Notifications;

/// <summary>
/// Drives the dispatcher the way the Collector does: the groups it saves (as JSON strings) are what it reads next time,
/// and every notification is kept with the time it was produced.
/// </summary>
internal sealed class DispatchTimeline(IReadOnlyDictionary<string, WebhookReceiverOptions> receivers)
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    public const string ExternalUrl = "https://observability.example.test";

    private readonly NotificationDispatcher _dispatcher = new(ExternalUrl);

    public Dictionary<(string Receiver, string GroupKey), AlertGroupRecord> Groups { get; } = [];

    public List<(DateTimeOffset At, Notification Notification)> Sent { get; } = [];

    public static WebhookReceiverOptions Receiver(Action<WebhookReceiverOptions>? configure = null)
    {
        var options = new WebhookReceiverOptions { Url = "http://127.0.0.1:9/hook", Secret = "whsec-test-0123456789" };
        configure?.Invoke(options);
        return options;
    }

    public static DispatchTimeline For(WebhookReceiverOptions receiver) => new(new Dictionary<string, WebhookReceiverOptions> { ["oncall"] = receiver });

    /// <summary>One dispatch at T0 + <paramref name="at"/>; returns the notifications it produced.</summary>
    public IReadOnlyList<Notification> Tick(TimeSpan at, IReadOnlyList<AlertInstance> alerts, IReadOnlyList<Silence>? silences = null)
    {
        var now = T0 + at;
        var result = _dispatcher.Dispatch(now, alerts, silences ?? [], [.. Groups.Values], receivers);
        foreach (var key in result.DeletedGroups)
        {
            Groups.Remove(key);
        }
        foreach (var group in result.SavedGroups)
        {
            Groups[(group.Receiver, group.GroupKey)] = group;
        }
        Sent.AddRange(result.Notifications.Select(n => (now, n)));
        return result.Notifications;
    }

    /// <summary>Ticks every <paramref name="step"/> from <paramref name="from"/> to <paramref name="to"/> (inclusive) with the same alerts.</summary>
    public void Run(TimeSpan from, TimeSpan to, TimeSpan step, Func<TimeSpan, IReadOnlyList<AlertInstance>> alerts, IReadOnlyList<Silence>? silences = null)
    {
        for (var at = from; at <= to; at += step)
        {
            Tick(at, alerts(at), silences);
        }
    }

    public static AlertInstance Firing(string name, TimeSpan since, string instance = "web-1", string severity = "page", string? acknowledgedBy = null) =>
        Alert(name, instance, severity, AlertState.Firing, since, null, acknowledgedBy);

    public static AlertInstance Resolved(string name, TimeSpan since, TimeSpan resolvedAt, string instance = "web-1", string severity = "page") =>
        Alert(name, instance, severity, AlertState.Resolved, since, resolvedAt, null);

    public static AlertInstance Pending(string name, TimeSpan since, string instance = "web-1") => new(
        Fingerprint(name, instance), name, Labels(name, instance, "page"), Annotations(name), AlertState.Pending, T0 + since, null, null, 3.0, T0 + since);

    private static AlertInstance Alert(string name, string instance, string severity, AlertState state, TimeSpan since, TimeSpan? resolvedAt, string? acknowledgedBy) => new(
        Fingerprint(name, instance),
        name,
        Labels(name, instance, severity),
        Annotations(name),
        state,
        state == AlertState.Firing ? T0 + since : null,
        T0 + since,
        resolvedAt is { } r ? T0 + r : null,
        7.5,
        T0 + (resolvedAt ?? since),
        AcknowledgedBy: acknowledgedBy,
        AcknowledgedAt: acknowledgedBy is null ? null : T0 + since);

    public static string Fingerprint(string name, string instance) => $"{name}-{instance}".ToLowerInvariant();

    private static Dictionary<string, string> Labels(string name, string instance, string severity) => new()
    {
        ["alertname"] = name,
        ["instance"] = instance,
        ["severity"] = severity,
        ["service"] = "storefront",
    };

    private static Dictionary<string, string> Annotations(string name) => new()
    {
        ["summary"] = $"{name} on storefront",
        ["runbook_url"] = "https://runbooks.example.test/" + name,
    };
}

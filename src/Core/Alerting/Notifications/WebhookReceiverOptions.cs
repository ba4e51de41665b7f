namespace Observability.Core.Alerting.Notifications;

/// <summary>
/// Settings "Alerting:Webhooks:&lt;name&gt;:*": where one receiver's notifications go, how they are signed, and how its alerts
/// are grouped and paced, with Alertmanager's meaning for each.
/// </summary>
public sealed class WebhookReceiverOptions
{
    /// <summary>The alert name label, Alertmanager's default grouping.</summary>
    public const string AlertNameLabel = "alertname";

    /// <summary>The GroupBy entry that means "every label": one group per distinct label set.</summary>
    public const string AllLabels = "...";

    /// <summary>An absolute http or https URL the notifications are POSTed to.</summary>
    public required string Url { get; set; }

    /// <summary>The HMAC-SHA256 key of the X-Observability-Signature header; from configuration, never a default.</summary>
    public required string Secret { get; set; }

    /// <summary>Label names whose values form a group; empty means [alertname]; ["..."] means all labels.</summary>
    public List<string> GroupBy { get; set; } = [];

    /// <summary>
    /// How long a new group waits for more alerts before its first notification. 5 s rather than Alertmanager's 30 s:
    /// the roadmap's MTTD target leaves seconds, not half a minute, between a fault and a page.
    /// </summary>
    public TimeSpan GroupWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long after a notification a group is looked at again for new or resolved alerts.</summary>
    public TimeSpan GroupInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long after a notification the same unacknowledged firing alerts are sent again.</summary>
    public TimeSpan RepeatInterval { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Whether resolved alerts are sent (once) after they stop firing.</summary>
    public bool SendResolved { get; set; } = true;

    /// <summary>Label equality routing: only alerts carrying every one of these labels with that value go to this receiver.</summary>
    public Dictionary<string, string> Match { get; set; } = [];

    /// <summary>How long one delivery attempt may take before it counts as a timeout and is retried.</summary>
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>The grouping labels in effect: <see cref="GroupBy"/>, or [alertname] when none are set.</summary>
    public IReadOnlyList<string> EffectiveGroupBy => GroupBy.Count == 0 ? [AlertNameLabel] : GroupBy;

    /// <summary>True when every label of <paramref name="labels"/> named in <see cref="Match"/> has the value given there.</summary>
    public bool Routes(IReadOnlyDictionary<string, string> labels) =>
        Match.All(m => labels.TryGetValue(m.Key, out var value) && string.Equals(value, m.Value, StringComparison.Ordinal));
}

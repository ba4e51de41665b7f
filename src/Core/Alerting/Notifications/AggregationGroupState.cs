using System.Text.Json;
using System.Text.Json.Serialization;

namespace Observability.Core.Alerting.Notifications;

/// <summary>
/// What the dispatcher keeps of one aggregation group between ticks (JSON in <see cref="AlertGroupRecord.State"/>):
/// its labels, members, the next scheduled flush, and Alertmanager's notification log entry (what was last sent, when).
/// </summary>
internal sealed record AggregationGroupState
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required SortedDictionary<string, string> Labels { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the group is next looked at: group_wait after creation, then every group_interval.</summary>
    public required DateTimeOffset NextFlushAt { get; set; }

    public bool HasFlushed { get; set; }

    /// <summary>
    /// The alerts in the group by fingerprint, as last seen; resolved ones leave it after the flush that saw them resolved.
    /// Kept whole so an alert the evaluator drops before the next flush is still sent resolved.
    /// </summary>
    public SortedDictionary<string, GroupMember> Members { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The scheduled flush time of the last notification; null until one is sent.</summary>
    public DateTimeOffset? LastNotifiedAt { get; set; }

    public SortedSet<string> NotifiedFiring { get; set; } = new(StringComparer.Ordinal);

    public SortedSet<string> NotifiedResolved { get; set; } = new(StringComparer.Ordinal);

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    /// <summary>The stored state, or null when it cannot be read (then the group starts over rather than stopping dispatch).</summary>
    public static AggregationGroupState? Parse(string state)
    {
        try
        {
            var parsed = JsonSerializer.Deserialize<AggregationGroupState>(state, Json);
            if (parsed is null)
            {
                return null;
            }
            // Sets read back with the default comparer; ordinal keeps the serialized order stable across processes.
            return parsed with
            {
                Labels = new SortedDictionary<string, string>(parsed.Labels, StringComparer.Ordinal),
                Members = new SortedDictionary<string, GroupMember>(parsed.Members, StringComparer.Ordinal),
                NotifiedFiring = new SortedSet<string>(parsed.NotifiedFiring, StringComparer.Ordinal),
                NotifiedResolved = new SortedSet<string>(parsed.NotifiedResolved, StringComparer.Ordinal),
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>An alert of a group as the dispatcher last saw it: enough to send it resolved if it is gone at the next flush.</summary>
internal sealed record GroupMember(
    SortedDictionary<string, string> Labels,
    SortedDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset? ResolvedAt)
{
    public static GroupMember Of(AlertInstance alert) => new(
        new SortedDictionary<string, string>(alert.Labels.ToDictionary(), StringComparer.Ordinal),
        new SortedDictionary<string, string>(alert.Annotations.ToDictionary(), StringComparer.Ordinal),
        alert.FiringSince ?? alert.EvaluatedAt,
        alert.State == AlertState.Resolved ? alert.ResolvedAt ?? alert.EvaluatedAt : null);
}

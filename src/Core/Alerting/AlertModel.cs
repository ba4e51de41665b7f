namespace Observability.Core.Alerting;

/// <summary>Where an alert is in its life: inactive → pending (condition true, <c>for</c> not yet elapsed) → firing → resolved.</summary>
public enum AlertState
{
    Inactive,
    Pending,
    Firing,
    Resolved,
}

/// <summary>
/// One alert: a rule's condition for one label set, as the evaluator keeps it between ticks (and across restarts).
/// <see cref="Labels"/> include <c>alertname</c>; the fingerprint is derived from them alone.
/// </summary>
/// <param name="ActiveSince">When the condition became true this time (pending since); null while inactive or resolved.</param>
/// <param name="FiringSince">When it started firing: Alertmanager's startsAt.</param>
/// <param name="ResolvedAt">When it stopped firing: Alertmanager's endsAt.</param>
/// <param name="ImpactStart">The first bad sample of this episode (or the fault's ground-truth start when telemetry carries one).</param>
public sealed record AlertInstance(
    string Fingerprint,
    string RuleName,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    AlertState State,
    DateTimeOffset? ActiveSince,
    DateTimeOffset? FiringSince,
    DateTimeOffset? ResolvedAt,
    double? Value,
    DateTimeOffset EvaluatedAt,
    DateTimeOffset? ImpactStart = null,
    string? AcknowledgedBy = null,
    DateTimeOffset? AcknowledgedAt = null);

/// <summary>A label matcher as Alertmanager's API writes it: name, value, regex or not, equal or not.</summary>
public sealed record LabelMatcher(string Name, string Value, bool IsRegex = false, bool IsEqual = true);

/// <summary>Mutes notifications of the alerts all its matchers match, between <see cref="StartsAt"/> and <see cref="EndsAt"/>.</summary>
public sealed record Silence(
    string Id,
    IReadOnlyList<LabelMatcher> Matchers,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string CreatedBy,
    string Comment,
    DateTimeOffset CreatedAt);

/// <summary>
/// A receiver's aggregation group as the dispatcher keeps it between ticks: its key, labels and the dispatcher's own
/// state (serialized by the dispatcher; the store keeps it as an opaque string).
/// </summary>
public sealed record AlertGroupRecord(string Receiver, string GroupKey, string State, DateTimeOffset UpdatedAt);

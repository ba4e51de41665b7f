namespace Observability.Core.Alerting;

/// <summary>The timeline of an incident: each step's time, any of which can be corrected by hand (audited).</summary>
public static class IncidentSteps
{
    public const string ImpactStart = "impact_start";
    public const string Detected = "detected";
    public const string Notified = "notified";
    public const string Acknowledged = "acknowledged";
    public const string Mitigated = "mitigated";
    public const string Resolved = "resolved";

    public static readonly IReadOnlyList<string> All = [ImpactStart, Detected, Notified, Acknowledged, Mitigated, Resolved];
}

/// <summary>An incident: opened when a page-severity alert fires (or by hand), one open incident per service.</summary>
public sealed record Incident(
    string Id,
    string Service,
    string Title,
    string Severity,
    DateTimeOffset ImpactStart,
    DateTimeOffset DetectedAt,
    DateTimeOffset? NotifiedAt,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? MitigatedAt,
    DateTimeOffset? ResolvedAt,
    string OpenedBy,
    IReadOnlyList<string> AlertFingerprints)
{
    public bool IsOpen => ResolvedAt is null;
}

/// <summary>
/// One entry of an incident's audit log: a step recorded or corrected, who did it and why. Corrections keep the old
/// value, so the timeline's history can always be read back.
/// </summary>
public sealed record IncidentEvent(string IncidentId, DateTimeOffset At, string Kind, string? Step, DateTimeOffset? OldValue, DateTimeOffset? NewValue, string Author, string Note);

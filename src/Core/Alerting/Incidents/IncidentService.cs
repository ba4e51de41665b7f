using System.Security.Cryptography;
using System.Text;
using Observability.Core.Kpis;

namespace Observability.Core.Alerting.Incidents;

/// <summary>A refused incident change: the message names what is wrong (an unknown step, a timeline out of order).</summary>
public sealed class IncidentException(string message) : Exception(message);

/// <summary>MTTD (impact → detected), MTTA (notified, else detected → acknowledged) and MTTR (detected → resolved).</summary>
public sealed record IncidentStatistics(int Count, DurationStatistics? Mttd, DurationStatistics? Mtta, DurationStatistics? Mttr)
{
    public static IncidentStatistics Of(IReadOnlyCollection<Incident> incidents) => new(
        incidents.Count,
        DurationStatistics.Of(incidents.Select(i => i.DetectedAt - i.ImpactStart)),
        DurationStatistics.Of(incidents.Where(i => i.AcknowledgedAt is not null).Select(i => i.AcknowledgedAt!.Value - (i.NotifiedAt ?? i.DetectedAt))),
        DurationStatistics.Of(incidents.Where(i => i.ResolvedAt is not null).Select(i => i.ResolvedAt!.Value - i.DetectedAt)));
}

/// <summary>
/// Incidents from alerts, and the audited edits people make to them. A firing alert of severity <c>page</c> opens an
/// incident for its service, or joins the service's open one; an incident alerting opened resolves itself once none of
/// its alerts fires any more. Impact start is the fault's ground-truth start when the telemetry carries one, else the
/// alert's first bad sample.
/// </summary>
public sealed class IncidentService(IIncidentStore store, IFaultGroundTruth groundTruth, TimeProvider time)
{
    public const string PageSeverity = "page";
    public const string AlertingAuthor = "alerting";

    /// <summary>How far before detection a fault's ground-truth start is looked for.</summary>
    public static readonly TimeSpan GroundTruthLookback = TimeSpan.FromMinutes(30);

    /// <summary>The service an alert is about: its <c>service</c> label, else <c>service.name</c>, else "unknown".</summary>
    public static string ServiceOf(AlertInstance alert) =>
        alert.Labels.TryGetValue("service", out var service) ? service
        : alert.Labels.TryGetValue("service.name", out var name) ? name
        : "unknown";

    /// <summary>Opens, joins and resolves incidents to match the alerts' current states. Returns the incidents changed.</summary>
    public async Task<IReadOnlyList<Incident>> ReconcileAsync(IReadOnlyList<AlertInstance> alerts, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var open = (await store.GetIncidentsAsync(null, null, openOnly: true, 1_000, cancellationToken)).ToDictionary(i => i.Id);
        var changed = new Dictionary<string, Incident>();
        var firing = alerts.Where(a => a.State == AlertState.Firing).ToList();

        foreach (var alert in firing.Where(a => a.Labels.GetValueOrDefault("severity") == PageSeverity).OrderBy(a => a.FiringSince))
        {
            var service = ServiceOf(alert);
            if (open.Values.Any(i => i.AlertFingerprints.Contains(alert.Fingerprint)))
            {
                continue;
            }
            if (open.Values.Where(i => i.Service == service).OrderBy(i => i.DetectedAt).FirstOrDefault() is { } joined)
            {
                var updated = joined with { AlertFingerprints = [.. joined.AlertFingerprints, alert.Fingerprint] };
                await store.UpdateIncidentAsync(updated, [new IncidentEvent(joined.Id, now, "alert", null, null, null, AlertingAuthor,
                    $"{alert.RuleName} ({alert.Fingerprint}) joined")], cancellationToken);
                open[joined.Id] = changed[joined.Id] = updated;
                continue;
            }
            var detected = alert.FiringSince ?? now;
            var firstBad = alert.ImpactStart ?? alert.ActiveSince ?? detected;
            var faultStart = await groundTruth.FaultStartAsync(service, detected - GroundTruthLookback, detected, cancellationToken);
            var impact = faultStart ?? firstBad;
            var incident = new Incident(IdOf(service, detected), service, Title(alert), PageSeverity, impact, detected,
                null, alert.AcknowledgedAt, null, null, AlertingAuthor, [alert.Fingerprint]);
            await store.AddIncidentAsync(incident, new IncidentEvent(incident.Id, now, "opened", null, null, null, AlertingAuthor,
                $"{alert.RuleName} fired; impact start from {(faultStart is null ? "the first bad sample" : "the fault's ground truth")}"), cancellationToken);
            open[incident.Id] = changed[incident.Id] = incident;
        }

        var stillFiring = firing.Select(a => a.Fingerprint).ToHashSet(StringComparer.Ordinal);
        foreach (var incident in open.Values.Where(i => i.OpenedBy == AlertingAuthor && i.AlertFingerprints.Count > 0 && !i.AlertFingerprints.Any(stillFiring.Contains)))
        {
            var resolvedAt = alerts.Where(a => incident.AlertFingerprints.Contains(a.Fingerprint)).Select(a => a.ResolvedAt).Max() ?? now;
            if (resolvedAt < incident.DetectedAt)
            {
                resolvedAt = now;
            }
            var resolved = incident with { ResolvedAt = resolvedAt };
            await store.UpdateIncidentAsync(resolved, [new IncidentEvent(incident.Id, now, "step", IncidentSteps.Resolved, null, resolvedAt, AlertingAuthor,
                "every alert of the incident resolved")], cancellationToken);
            changed[incident.Id] = resolved;
        }
        return [.. changed.Values];
    }

    /// <summary>Opens an incident by hand.</summary>
    public async Task<Incident> OpenAsync(string service, string title, string severity, DateTimeOffset? impactStart, string author, string note, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (impactStart > now)
        {
            throw new IncidentException($"impactStart {impactStart:O} is in the future");
        }
        var incident = new Incident(IdOf(service, now), service, title, severity, impactStart ?? now, now, null, null, null, null, author, []);
        await store.AddIncidentAsync(incident, new IncidentEvent(incident.Id, now, "opened", null, null, null, author, note), cancellationToken);
        return incident;
    }

    /// <summary>
    /// Records a step of the timeline (or corrects one already recorded; the old value is kept in the audit log). The
    /// timeline must stay in order: impact start ≤ detected ≤ notified ≤ acknowledged ≤ mitigated ≤ resolved.
    /// </summary>
    public async Task<Incident?> RecordStepAsync(string id, string step, DateTimeOffset? at, string author, string note, CancellationToken cancellationToken)
    {
        if (!IncidentSteps.All.Contains(step))
        {
            throw new IncidentException($"step '{step}' is not one of: {string.Join(", ", IncidentSteps.All)}");
        }
        if (await store.GetIncidentAsync(id, cancellationToken) is not { } incident)
        {
            return null;
        }
        var now = time.GetUtcNow();
        var value = at ?? now;
        if (value > now)
        {
            throw new IncidentException($"{step} {value:O} is in the future");
        }
        var old = StepTime(incident, step);
        var updated = WithStep(incident, step, value);
        var steps = IncidentSteps.All.Select(s => (Step: s, Time: StepTime(updated, s))).Where(s => s.Time is not null).ToList();
        for (var i = 1; i < steps.Count; i++)
        {
            if (steps[i].Time < steps[i - 1].Time)
            {
                throw new IncidentException($"{steps[i].Step} ({steps[i].Time:O}) would be before {steps[i - 1].Step} ({steps[i - 1].Time:O})");
            }
        }
        var kind = old is null ? "step" : "correction";
        await store.UpdateIncidentAsync(updated, [new IncidentEvent(id, now, kind, step, old, value, author, note)], cancellationToken);
        return updated;
    }

    /// <summary>Marks the open incidents holding any of these alerts acknowledged, when they were not yet.</summary>
    public Task OnAcknowledgedAsync(IReadOnlyCollection<string> fingerprints, DateTimeOffset at, string author, CancellationToken cancellationToken) =>
        FirstTimeAsync(fingerprints, IncidentSteps.Acknowledged, at, author, "an alert of the incident was acknowledged", cancellationToken);

    /// <summary>Marks the open incidents holding any of these alerts notified, when they were not yet.</summary>
    public Task OnNotifiedAsync(IReadOnlyCollection<string> fingerprints, DateTimeOffset at, string receiver, CancellationToken cancellationToken) =>
        FirstTimeAsync(fingerprints, IncidentSteps.Notified, at, AlertingAuthor, $"webhook {receiver} delivered", cancellationToken);

    private async Task FirstTimeAsync(IReadOnlyCollection<string> fingerprints, string step, DateTimeOffset at, string author, string note, CancellationToken cancellationToken)
    {
        foreach (var incident in await store.GetIncidentsAsync(null, null, openOnly: true, 1_000, cancellationToken))
        {
            if (StepTime(incident, step) is null && incident.AlertFingerprints.Any(fingerprints.Contains))
            {
                var recorded = at < incident.DetectedAt ? incident.DetectedAt : at;
                await store.UpdateIncidentAsync(WithStep(incident, step, recorded), [new IncidentEvent(incident.Id, time.GetUtcNow(), "step", step, null, recorded, author, note)], cancellationToken);
            }
        }
    }

    public static DateTimeOffset? StepTime(Incident incident, string step) => step switch
    {
        IncidentSteps.ImpactStart => incident.ImpactStart,
        IncidentSteps.Detected => incident.DetectedAt,
        IncidentSteps.Notified => incident.NotifiedAt,
        IncidentSteps.Acknowledged => incident.AcknowledgedAt,
        IncidentSteps.Mitigated => incident.MitigatedAt,
        IncidentSteps.Resolved => incident.ResolvedAt,
        _ => throw new IncidentException($"step '{step}' is not one of: {string.Join(", ", IncidentSteps.All)}"),
    };

    private static Incident WithStep(Incident incident, string step, DateTimeOffset value) => step switch
    {
        IncidentSteps.ImpactStart => incident with { ImpactStart = value },
        IncidentSteps.Detected => incident with { DetectedAt = value },
        IncidentSteps.Notified => incident with { NotifiedAt = value },
        IncidentSteps.Acknowledged => incident with { AcknowledgedAt = value },
        IncidentSteps.Mitigated => incident with { MitigatedAt = value },
        IncidentSteps.Resolved => incident with { ResolvedAt = value },
        _ => throw new IncidentException($"step '{step}' is not one of: {string.Join(", ", IncidentSteps.All)}"),
    };

    private static string Title(AlertInstance alert) =>
        alert.Annotations.TryGetValue("summary", out var summary) && summary.Length > 0 ? summary : $"{alert.RuleName} on {ServiceOf(alert)}";

    /// <summary>Deterministic, so a retried evaluation opens the same incident rather than a second one.</summary>
    private static string IdOf(string service, DateTimeOffset detected) =>
        $"inc-{detected.UtcDateTime:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{service}|{detected.UtcTicks}")))[..6]}";
}

using System.Security.Claims;
using Observability.Collector.Alerting;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Incidents;

namespace Observability.Dashboard.OnCall;

/// <summary>The on-call pages' data from the Collector's alerting store; their responses go through <see cref="OnCallResponder"/>.</summary>
internal sealed class OnCallSource(IAlertingStore store, AlertRuleSet rules, AlertingJob job, OnCallResponder responder, TimeProvider time) : IOnCallSource
{
    /// <summary>As GET /api/incidents by default: enough for the figures, few enough to list.</summary>
    public const int MaxIncidents = 100;

    public async Task<AlertsSnapshot> ReadAlertsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var alerts = await store.GetAlertsAsync(cancellationToken);
        var shown = alerts.Where(a => a.State != AlertState.Inactive)
            .OrderBy(a => a.State).ThenByDescending(a => a.FiringSince ?? a.ActiveSince ?? a.ResolvedAt)
            .ToList();
        var silences = await store.GetSilencesAsync(now, cancellationToken);
        return new AlertsSnapshot(now, shown, silences, AlertRuleStatus.Of(rules, alerts, job.LastTick));
    }

    public async Task<IncidentsSnapshot> ReadIncidentsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var newest = await store.GetIncidentsAsync(null, null, openOnly: false, MaxIncidents, cancellationToken);
        var listed = newest.OrderBy(i => i.IsOpen ? 0 : 1).ThenByDescending(i => i.DetectedAt).ToList();
        return new IncidentsSnapshot(now, listed, IncidentStatistics.Of(newest));
    }

    public async Task<IncidentSnapshot?> ReadIncidentAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (await store.GetIncidentAsync(id, cancellationToken) is not { } incident)
        {
            return null;
        }
        var timeline = await store.GetIncidentEventsAsync(id, cancellationToken);
        var alerts = (await store.GetAlertsAsync(cancellationToken)).Where(a => incident.AlertFingerprints.Contains(a.Fingerprint)).ToList();
        return new IncidentSnapshot(now, incident, timeline, alerts);
    }

    public Task<ResponseOutcome<AlertInstance>> AcknowledgeAsync(ClaimsPrincipal user, string fingerprint, CancellationToken cancellationToken) =>
        responder.AcknowledgeAsync(user, fingerprint, cancellationToken);

    public Task<ResponseOutcome<Silence>> AddSilenceAsync(ClaimsPrincipal user, SilenceDraft draft, CancellationToken cancellationToken) =>
        responder.AddSilenceAsync(user, draft, cancellationToken);

    public Task<ResponseOutcome<string>> ExpireSilenceAsync(ClaimsPrincipal user, string id, CancellationToken cancellationToken) =>
        responder.ExpireSilenceAsync(user, id, cancellationToken);

    public Task<ResponseOutcome<Incident>> RecordStepAsync(ClaimsPrincipal user, string incidentId, string step, DateTimeOffset? at, string note, CancellationToken cancellationToken) =>
        responder.RecordStepAsync(user, incidentId, step, at, note, cancellationToken);
}

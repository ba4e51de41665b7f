using System.Security.Claims;
using Observability.Collector.Alerting;
using Observability.Core.Alerting;

namespace Observability.Dashboard.OnCall;

/// <summary>
/// The Alerts and Incidents pages' reads and the responses they offer. Every response checks the user's role itself
/// (the pages only hide what a role may not use) and records the user's name as the actor.
/// </summary>
public interface IOnCallSource
{
    Task<AlertsSnapshot> ReadAlertsAsync(CancellationToken cancellationToken);

    Task<IncidentsSnapshot> ReadIncidentsAsync(CancellationToken cancellationToken);

    /// <summary>The incident, or null when there is none with this id.</summary>
    Task<IncidentSnapshot?> ReadIncidentAsync(string id, CancellationToken cancellationToken);

    Task<ResponseOutcome<AlertInstance>> AcknowledgeAsync(ClaimsPrincipal user, string fingerprint, CancellationToken cancellationToken);

    Task<ResponseOutcome<Silence>> AddSilenceAsync(ClaimsPrincipal user, SilenceDraft draft, CancellationToken cancellationToken);

    Task<ResponseOutcome<string>> ExpireSilenceAsync(ClaimsPrincipal user, string id, CancellationToken cancellationToken);

    /// <summary>Records or corrects a step of an incident's timeline (audited; a correction keeps the old value).</summary>
    Task<ResponseOutcome<Core.Alerting.Incident>> RecordStepAsync(ClaimsPrincipal user, string incidentId, string step, DateTimeOffset? at, string note, CancellationToken cancellationToken);
}

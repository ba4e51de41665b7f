using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Observability.Collector.Alerting;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Incidents;
using Observability.Core.Security;

namespace Observability.Dashboard.OnCall;

/// <summary>
/// The on-call pages' responses, through the same services the API uses, as the signed-in user. Each checks the
/// <c>respond</c> policy itself: the pages only hide the buttons.
/// </summary>
internal sealed class OnCallResponder(AlertResponses responses, IncidentService incidents, IAuthorizationService authorization)
{
    public async Task<ResponseOutcome<AlertInstance>> AcknowledgeAsync(ClaimsPrincipal user, string fingerprint, CancellationToken cancellationToken) =>
        await RefusalForAsync(user) is { } refusal
            ? ResponseOutcome<AlertInstance>.Refused(refusal.Kind, refusal.Message)
            : await responses.AcknowledgeAsync(fingerprint, NameOf(user), cancellationToken);

    public async Task<ResponseOutcome<Silence>> AddSilenceAsync(ClaimsPrincipal user, SilenceDraft draft, CancellationToken cancellationToken) =>
        await RefusalForAsync(user) is { } refusal
            ? ResponseOutcome<Silence>.Refused(refusal.Kind, refusal.Message)
            : await responses.AddSilenceAsync(draft, NameOf(user), cancellationToken);

    public async Task<ResponseOutcome<string>> ExpireSilenceAsync(ClaimsPrincipal user, string id, CancellationToken cancellationToken)
    {
        if (await RefusalForAsync(user) is { } refusal)
        {
            return ResponseOutcome<string>.Refused(refusal.Kind, refusal.Message);
        }
        return await responses.ExpireSilenceAsync(id, cancellationToken)
            ? ResponseOutcome<string>.Done(id)
            : ResponseOutcome<string>.Refused(RefusalKind.NotFound, $"no active or pending silence '{id}'");
    }

    public async Task<ResponseOutcome<Incident>> RecordStepAsync(ClaimsPrincipal user, string incidentId, string step, DateTimeOffset? at, string note, CancellationToken cancellationToken)
    {
        if (await RefusalForAsync(user) is { } refusal)
        {
            return ResponseOutcome<Incident>.Refused(refusal.Kind, refusal.Message);
        }
        try
        {
            return await incidents.RecordStepAsync(incidentId, step, at, NameOf(user), note, cancellationToken) is { } incident
                ? ResponseOutcome<Incident>.Done(incident)
                : ResponseOutcome<Incident>.Refused(RefusalKind.NotFound, $"no incident '{incidentId}'");
        }
        catch (IncidentException error)
        {
            return ResponseOutcome<Incident>.Refused(RefusalKind.Invalid, error.Message);
        }
    }

    /// <summary>The page hides these buttons from other roles; this is the check that counts.</summary>
    private async Task<Refusal?> RefusalForAsync(ClaimsPrincipal user) =>
        (await authorization.AuthorizeAsync(user, KnownPolicies.Respond)).Succeeded
            ? null
            : new Refusal(RefusalKind.Forbidden, $"user '{user.Identity?.Name}' may not respond to alerts or incidents: that needs the {string.Join(", ", KnownPolicies.Roles[KnownPolicies.Respond])} role");

    private static string NameOf(ClaimsPrincipal user) =>
        user.Identity?.Name ?? throw new InvalidOperationException("a response needs a signed-in user");
}

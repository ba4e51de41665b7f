using System.Security.Claims;
using Observability.Collector.Alerting;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Incidents;
using Observability.Core.Alerting.Rules;
using Observability.Core.Roadmap;
using Observability.Dashboard.OnCall;

namespace Observability.Dashboard.Tests.OnCall;

/// <summary>Fixed alerts, silences, rules and incidents for the on-call pages' tests: one of each state, a correction in a timeline.</summary>
internal static class OnCallData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);

    public static AlertRule ErrorRatioRule { get; } = new()
    {
        Name = DefaultAlertRules.HighErrorRatio,
        Condition = new RedCondition(RedSignal.ErrorRatio, null, null),
        Comparator = TargetComparator.GreaterThan,
        Threshold = 0.05,
        Window = TimeSpan.FromSeconds(30),
        For = TimeSpan.Zero,
        Labels = new Dictionary<string, string> { [KnownAlertLabels.Severity] = KnownSeverities.Page },
    };

    public static AlertRule LatencyRule { get; } = new()
    {
        Name = DefaultAlertRules.HighLatencyP99,
        Condition = new RedCondition(RedSignal.ErrorRatio, "checkout", null),
        Comparator = TargetComparator.GreaterThan,
        Threshold = 0.5,
        Window = TimeSpan.FromMinutes(1),
        For = TimeSpan.FromMinutes(1),
        Labels = new Dictionary<string, string> { [KnownAlertLabels.Severity] = KnownSeverities.Ticket },
    };

    public static AlertInstance Firing { get; } = new(
        "fp-firing", DefaultAlertRules.HighErrorRatio,
        new Dictionary<string, string> { ["alertname"] = DefaultAlertRules.HighErrorRatio, ["service"] = "storefront-api", ["severity"] = "page" },
        new Dictionary<string, string>
        {
            ["summary"] = "storefront-api: error ratio 0.48 over 30s (above 0.05)",
            ["description"] = "More than 5% of the entry spans of storefront-api ended in error over the last 30 seconds.",
        },
        AlertState.Firing, Now.AddSeconds(-95), Now.AddSeconds(-95), null, 0.48, Now.AddSeconds(-1));

    public static AlertInstance Pending { get; } = new(
        "fp-pending", DefaultAlertRules.HighLatencyP99,
        new Dictionary<string, string> { ["alertname"] = DefaultAlertRules.HighLatencyP99, ["service"] = "checkout", ["severity"] = "ticket" },
        new Dictionary<string, string> { ["summary"] = "checkout: p99 612 ms" },
        AlertState.Pending, Now.AddSeconds(-20), null, null, 612, Now.AddSeconds(-1));

    public static AlertInstance Resolved { get; } = new(
        "fp-resolved", DefaultAlertRules.HighErrorRatio,
        new Dictionary<string, string> { ["alertname"] = DefaultAlertRules.HighErrorRatio, ["service"] = "gateway", ["severity"] = "page" },
        new Dictionary<string, string> { ["summary"] = "gateway: error ratio 0.07 over 30s (above 0.05)" },
        AlertState.Resolved, null, Now.AddMinutes(-10), Now.AddMinutes(-7), 0.01, Now.AddSeconds(-1), AcknowledgedBy: "sre-bob", AcknowledgedAt: Now.AddMinutes(-9));

    public static Silence Silence { get; } = new("sil-1", [new LabelMatcher("service", "checkout")], Now.AddMinutes(-5), Now.AddMinutes(55), "oncall-ann",
        "deploying checkout", Now.AddMinutes(-5));

    public static AlertsSnapshot Alerts(bool withAlerts = true, bool withSilence = true) => new(
        Now,
        withAlerts ? [Firing, Pending, Resolved] : [],
        withSilence ? [Silence] : [],
        [new AlertRuleStatus(ErrorRatioRule, withAlerts ? 1 : 0, 0, new RuleEvaluation(ErrorRatioRule.Id, ErrorRatioRule.Name, Now.AddSeconds(-1), 4, 0, null, 3.2)),
         new AlertRuleStatus(LatencyRule, 0, withAlerts ? 1 : 0, null)]);

    public static Incident OpenIncident { get; } = new(
        "inc-open", "storefront-api", "storefront-api: error ratio 0.48 over 30s (above 0.05)", "page",
        Now.AddSeconds(-100), Now.AddSeconds(-95), Now.AddSeconds(-93), Now.AddSeconds(-60), null, null, IncidentService.AlertingAuthor, ["fp-firing"]);

    public static Incident ResolvedIncident { get; } = new(
        "inc-resolved", "gateway", "gateway: error ratio 0.07 over 30s (above 0.05)", "page",
        Now.AddMinutes(-11), Now.AddMinutes(-10), Now.AddMinutes(-10), Now.AddMinutes(-9), null, Now.AddMinutes(-7), IncidentService.AlertingAuthor, ["fp-resolved"]);

    public static IncidentsSnapshot Incidents(bool any = true)
    {
        IReadOnlyList<Incident> incidents = any ? [OpenIncident, ResolvedIncident] : [];
        return new IncidentsSnapshot(Now, incidents, IncidentStatistics.Of(incidents));
    }

    /// <summary>The resolved incident, whose acknowledged step sre-bob corrected from 02:51 to 02:50:30.</summary>
    public static IncidentSnapshot Detail(Incident? incident = null)
    {
        incident ??= ResolvedIncident with { AcknowledgedAt = Now.AddMinutes(-9.5) };
        return new IncidentSnapshot(Now, incident,
        [
            new IncidentEvent(incident.Id, Now.AddMinutes(-10), "opened", null, null, null, "alerting", "HighErrorRatio fired; impact start from the fault's ground truth"),
            new IncidentEvent(incident.Id, Now.AddMinutes(-10), "step", IncidentSteps.Notified, null, Now.AddMinutes(-10), "alerting", "webhook oncall delivered"),
            new IncidentEvent(incident.Id, Now.AddMinutes(-9), "step", IncidentSteps.Acknowledged, null, Now.AddMinutes(-9), "sre-bob", "an alert of the incident was acknowledged"),
            new IncidentEvent(incident.Id, Now.AddMinutes(-8), "correction", IncidentSteps.Acknowledged, Now.AddMinutes(-9), Now.AddMinutes(-9.5), "sre-bob", "acknowledged by phone before the page"),
            new IncidentEvent(incident.Id, Now.AddMinutes(-7), "step", IncidentSteps.Resolved, null, Now.AddMinutes(-7), "alerting", "every alert of the incident resolved"),
        ], [Resolved]);
    }
}

/// <summary>The on-call pages' source with fixed data; counts reads and records the responses asked for.</summary>
internal sealed class FakeOnCallSource : IOnCallSource
{
    public Func<int, AlertsSnapshot> NextAlerts { get; set; } = _ => OnCallData.Alerts();

    public Func<int, IncidentsSnapshot> NextIncidents { get; set; } = _ => OnCallData.Incidents();

    public Func<int, IncidentSnapshot?> NextIncident { get; set; } = _ => OnCallData.Detail();

    public int Reads { get; private set; }

    public List<string> Calls { get; } = [];

    public SilenceDraft? LastSilence { get; private set; }

    public Refusal? RefuseWith { get; set; }

    public Task<AlertsSnapshot> ReadAlertsAsync(CancellationToken cancellationToken) => Task.FromResult(NextAlerts(++Reads));

    public Task<IncidentsSnapshot> ReadIncidentsAsync(CancellationToken cancellationToken) => Task.FromResult(NextIncidents(++Reads));

    public Task<IncidentSnapshot?> ReadIncidentAsync(string id, CancellationToken cancellationToken) => Task.FromResult(NextIncident(++Reads));

    public Task<ResponseOutcome<AlertInstance>> AcknowledgeAsync(ClaimsPrincipal user, string fingerprint, CancellationToken cancellationToken)
    {
        Calls.Add($"ack {fingerprint} by {user.Identity?.Name}");
        if (RefuseWith is { } refusal)
        {
            return Task.FromResult(ResponseOutcome<AlertInstance>.Refused(refusal.Kind, refusal.Message));
        }
        var acknowledged = OnCallData.Firing with { AcknowledgedBy = user.Identity?.Name, AcknowledgedAt = OnCallData.Now };
        NextAlerts = _ => OnCallData.Alerts() with { Alerts = [acknowledged, OnCallData.Pending, OnCallData.Resolved] };
        return Task.FromResult(ResponseOutcome<AlertInstance>.Done(acknowledged));
    }

    public Task<ResponseOutcome<Silence>> AddSilenceAsync(ClaimsPrincipal user, SilenceDraft draft, CancellationToken cancellationToken)
    {
        Calls.Add($"silence by {user.Identity?.Name}");
        LastSilence = draft;
        return Task.FromResult(RefuseWith is { } refusal
            ? ResponseOutcome<Silence>.Refused(refusal.Kind, refusal.Message)
            : ResponseOutcome<Silence>.Done(new Silence("sil-new", draft.Matchers!, draft.StartsAt!.Value, draft.EndsAt!.Value, user.Identity!.Name!, draft.Comment!, OnCallData.Now)));
    }

    public Task<ResponseOutcome<string>> ExpireSilenceAsync(ClaimsPrincipal user, string id, CancellationToken cancellationToken)
    {
        Calls.Add($"expire {id} by {user.Identity?.Name}");
        return Task.FromResult(ResponseOutcome<string>.Done(id));
    }

    public Task<ResponseOutcome<Incident>> RecordStepAsync(ClaimsPrincipal user, string incidentId, string step, DateTimeOffset? at, string note, CancellationToken cancellationToken)
    {
        Calls.Add($"{step} of {incidentId} at {at:O} by {user.Identity?.Name}: {note}");
        return Task.FromResult(RefuseWith is { } refusal
            ? ResponseOutcome<Incident>.Refused(refusal.Kind, refusal.Message)
            : ResponseOutcome<Incident>.Done(OnCallData.ResolvedIncident));
    }
}

using System.Text.RegularExpressions;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Incidents;

namespace Observability.Collector.Alerting;

/// <summary>Why a response was refused: the alert, silence or incident is unknown, its state does not allow it, the input is wrong, or the user's role may not.</summary>
public enum RefusalKind
{
    NotFound,
    Conflict,
    Invalid,
    Forbidden,
}

/// <summary>A refused response, with the sentence that says why (naming the field when the input is wrong).</summary>
public sealed record Refusal(RefusalKind Kind, string Message);

/// <summary>The outcome of a response: the changed value, or why it was refused.</summary>
public sealed record ResponseOutcome<T>(T? Value, Refusal? Refusal)
    where T : class
{
    public bool Succeeded => Refusal is null;

    public static ResponseOutcome<T> Done(T value) => new(value, null);

    public static ResponseOutcome<T> Refused(RefusalKind kind, string message) => new(null, new Refusal(kind, message));
}

/// <summary>A silence as someone asks for it, Alertmanager's way: matchers, start (default now), end, comment.</summary>
public sealed record SilenceDraft(IReadOnlyList<LabelMatcher>? Matchers, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Comment);

/// <summary>
/// What on-call staff do to alerts: acknowledge one, silence a set, expire a silence. The API and the dashboard both call
/// these, so the checks, the audit (who, when) and the incident's acknowledged step are the same whichever was used.
/// </summary>
public sealed class AlertResponses(IAlertingStore store, IncidentService incidents, TimeProvider time)
{
    /// <summary>Acknowledges a firing alert as <paramref name="by"/>, and the open incidents holding it.</summary>
    public async Task<ResponseOutcome<AlertInstance>> AcknowledgeAsync(string fingerprint, string by, CancellationToken cancellationToken)
    {
        var alert = (await store.GetAlertsAsync(cancellationToken)).FirstOrDefault(a => a.Fingerprint == fingerprint);
        if (alert is null)
        {
            return ResponseOutcome<AlertInstance>.Refused(RefusalKind.NotFound, $"no alert with fingerprint '{fingerprint}'");
        }
        if (alert.State != AlertState.Firing)
        {
            return ResponseOutcome<AlertInstance>.Refused(RefusalKind.Conflict,
                $"alert {fingerprint} is {alert.State.ToString().ToLowerInvariant()}; only a firing alert can be acknowledged");
        }
        var now = time.GetUtcNow();
        if (!await store.AcknowledgeAsync(fingerprint, by, now, cancellationToken))
        {
            var current = (await store.GetAlertsAsync(cancellationToken)).FirstOrDefault(a => a.Fingerprint == fingerprint);
            return ResponseOutcome<AlertInstance>.Refused(RefusalKind.Conflict, current?.AcknowledgedBy is { } acknowledger
                ? $"alert {fingerprint} was already acknowledged by {acknowledger} at {current.AcknowledgedAt:O}"
                : $"alert {fingerprint} is no longer firing");
        }
        await incidents.OnAcknowledgedAsync([fingerprint], now, by, cancellationToken);
        return ResponseOutcome<AlertInstance>.Done((await store.GetAlertsAsync(cancellationToken)).First(a => a.Fingerprint == fingerprint));
    }

    /// <summary>What is wrong with a silence asked for at <paramref name="now"/>, naming the field; null when nothing is.</summary>
    public static string? ProblemWith(SilenceDraft? draft, DateTimeOffset now)
    {
        var startsAt = draft?.StartsAt ?? now;
        return draft switch
        {
            null => "the body is not JSON of the form {\"matchers\":[{\"name\",\"value\",\"isRegex\",\"isEqual\"}],\"startsAt\",\"endsAt\",\"comment\"}",
            { Matchers: null or [] } => "matchers must hold at least one matcher",
            _ when draft.Matchers!.FirstOrDefault(m => string.IsNullOrEmpty(m?.Name)) is { } => "every matcher needs a name",
            _ when draft.Matchers!.FirstOrDefault(m => m.IsRegex && !IsRegex(m.Value)) is { } bad => $"matcher {bad.Name}: '{bad.Value}' is not a valid regular expression",
            { EndsAt: null } => "endsAt is required (RFC 3339)",
            _ when draft.EndsAt <= startsAt => "endsAt must be after startsAt",
            _ when draft.EndsAt <= now => "endsAt is in the past",
            { Comment: null } or { Comment: "" } => "comment is required: say why the alerts are silenced",
            _ => null,
        };
    }

    /// <summary>Stores a silence created by <paramref name="by"/>, or says which field is wrong.</summary>
    public async Task<ResponseOutcome<Silence>> AddSilenceAsync(SilenceDraft? draft, string by, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (ProblemWith(draft, now) is { } problem)
        {
            return ResponseOutcome<Silence>.Refused(RefusalKind.Invalid, problem);
        }
        var silence = new Silence("sil-" + Guid.NewGuid().ToString("N")[..12], draft!.Matchers!, draft.StartsAt ?? now, draft.EndsAt!.Value, by, draft.Comment!, now);
        await store.AddSilenceAsync(silence, cancellationToken);
        return ResponseOutcome<Silence>.Done(silence);
    }

    /// <summary>Ends an active or pending silence now (kept for the record); false when there is none such.</summary>
    public Task<bool> ExpireSilenceAsync(string id, CancellationToken cancellationToken) =>
        store.ExpireSilenceAsync(id, time.GetUtcNow(), cancellationToken);

    /// <summary>"active", "pending" or "expired" at <paramref name="now"/>.</summary>
    public static string StatusOf(Silence silence, DateTimeOffset now) =>
        now < silence.StartsAt ? "pending" : now < silence.EndsAt ? "active" : "expired";

    private static bool IsRegex(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>A rule with how many of its alerts fire or wait now, and how its last evaluation went.</summary>
public sealed record AlertRuleStatus(Core.Alerting.Rules.AlertRule Rule, int Firing, int Pending, Core.Alerting.Rules.RuleEvaluation? LastEvaluation)
{
    /// <summary>Each rule of the set, in its order, with its alerts counted and the job's last tick.</summary>
    public static IReadOnlyList<AlertRuleStatus> Of(AlertRuleSet rules, IReadOnlyCollection<AlertInstance> alerts, Core.Alerting.Rules.AlertTickResult? lastTick)
    {
        var evaluations = lastTick?.Rules.ToDictionary(r => r.RuleId, StringComparer.Ordinal) ?? [];
        return [.. rules.Rules.Select(rule => new AlertRuleStatus(rule,
            alerts.Count(a => a.RuleName == rule.Id && a.State == AlertState.Firing),
            alerts.Count(a => a.RuleName == rule.Id && a.State == AlertState.Pending),
            evaluations.GetValueOrDefault(rule.Id)))];
    }
}

namespace Observability.Core.Alerting.Rules;

/// <summary>
/// One series of a rule at one evaluation: its labels and value, or no value and why. <see cref="ImpactStart"/> is an
/// earlier start of the trouble when the caller knows one (the fault's ground truth carried by telemetry); without it an
/// episode's impact starts when its condition was first seen true.
/// </summary>
public sealed record ConditionResult(
    IReadOnlyDictionary<string, string> SeriesLabels,
    double? Value,
    string? NoDataReason,
    DateTimeOffset? ImpactStart = null)
{
    public static ConditionResult Measured(IReadOnlyDictionary<string, string> seriesLabels, double value) => new(seriesLabels, value, null);

    public static ConditionResult NoData(IReadOnlyDictionary<string, string> seriesLabels, string reason) => new(seriesLabels, null, reason);
}

/// <summary>One change of an alert's state at one evaluation; <see cref="AlertState.Inactive"/> stands for "no alert".</summary>
public sealed record AlertTransition(string Fingerprint, AlertState From, AlertState To, DateTimeOffset At, AlertInstance Alert);

/// <summary>
/// What an evaluation leaves: the rule's alerts to keep (insert or replace by fingerprint), the fingerprints to delete,
/// and the state changes, in the order of the results.
/// </summary>
public sealed record AlertTransitionResult(
    IReadOnlyList<AlertInstance> Current,
    IReadOnlyList<string> Deleted,
    IReadOnlyList<AlertTransition> Transitions);

/// <summary>
/// The alert state machine with Prometheus's semantics, as a pure function of the rule, this evaluation's results, the
/// rule's alerts from the previous evaluation and the time. Everything it remembers lives in <see cref="AlertInstance"/>,
/// so a restart that reloads the stored alerts carries on exactly where it stopped.
/// </summary>
/// <remarks>
/// Condition true: inactive → pending (ActiveSince = now) → firing once now − ActiveSince ≥ For (For 0 fires at once;
/// FiringSince = now). Condition false: a pending alert goes away, a firing one becomes resolved (ResolvedAt = now) and
/// is kept for <see cref="ResolvedRetention"/> so notifications can say so, then deleted; its condition returning
/// starts a new episode, which clears the acknowledgement. No data (no value, or the series missing from the results)
/// is neither true nor false: nothing starts, nothing is promoted or resolved, the alert keeps its state with no value
/// and the reason in its <c>no_data</c> annotation.
/// </remarks>
public static class AlertStateMachine
{
    /// <summary>How long a resolved alert is kept before it is deleted.</summary>
    public static readonly TimeSpan ResolvedRetention = TimeSpan.FromMinutes(15);

    /// <summary>Advances the alerts of <paramref name="rule"/>; alerts of other rules in <paramref name="previous"/> are ignored.</summary>
    public static AlertTransitionResult Advance(
        AlertRule rule, IReadOnlyList<ConditionResult> results, IReadOnlyList<AlertInstance> previous, DateTimeOffset now)
    {
        var before = new Dictionary<string, AlertInstance>(StringComparer.Ordinal);
        foreach (var alert in previous)
        {
            if (alert.RuleName == rule.Id)
            {
                before[alert.Fingerprint] = alert;
            }
        }

        var current = new List<AlertInstance>();
        var deleted = new List<string>();
        var transitions = new List<AlertTransition>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (var result in results)
        {
            var labels = LabelsOf(rule, result.SeriesLabels);
            var fingerprint = AlertFingerprint.Of(labels);
            if (!seen.Add(fingerprint))
            {
                continue; // Two results with one label set: the first one speaks for the series.
            }
            before.TryGetValue(fingerprint, out var existing);
            var next = Step(rule, result, labels, fingerprint, existing, now);
            Record(existing, next, fingerprint, now, current, deleted, transitions);
        }

        // Alerts whose series did not come back this time: no data, never a recovery by itself.
        foreach (var (fingerprint, existing) in before.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (seen.Contains(fingerprint))
            {
                continue;
            }
            var missing = ConditionResult.NoData(existing.Labels, "the series was missing from this evaluation");
            var next = Step(rule, missing, existing.Labels, fingerprint, existing, now);
            Record(existing, next, fingerprint, now, current, deleted, transitions);
        }
        return new AlertTransitionResult(current, deleted, transitions);
    }

    /// <summary>
    /// Winds down the alerts of rules no longer evaluated (removed from the file, or a default replaced): a firing alert
    /// resolves now, so its receivers hear that it ended; a pending one goes away; a resolved one is kept until its
    /// retention ends, as any resolved alert. Pass the ids of every rule evaluated and every stored alert.
    /// </summary>
    public static AlertTransitionResult RetireOrphans(IReadOnlyCollection<string> ruleIds, IReadOnlyList<AlertInstance> alerts, DateTimeOffset now)
    {
        var known = ruleIds.ToHashSet(StringComparer.Ordinal);
        var current = new List<AlertInstance>();
        var deleted = new List<string>();
        var transitions = new List<AlertTransition>();
        foreach (var alert in alerts.Where(a => !known.Contains(a.RuleName)))
        {
            var next = alert.State switch
            {
                AlertState.Firing => alert with { State = AlertState.Resolved, ActiveSince = null, ResolvedAt = now, EvaluatedAt = now },
                AlertState.Resolved => alert,
                _ => null,
            };
            Record(alert, next, alert.Fingerprint, now, current, deleted, transitions);
        }
        return new AlertTransitionResult(current, deleted, transitions);
    }

    /// <summary>An alert's labels: the series', then the rule's (which win), then alertname.</summary>
    public static IReadOnlyDictionary<string, string> LabelsOf(AlertRule rule, IReadOnlyDictionary<string, string> seriesLabels)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in seriesLabels)
        {
            labels[name] = value;
        }
        foreach (var (name, value) in rule.Labels)
        {
            labels[name] = value;
        }
        labels[KnownAlertLabels.AlertName] = rule.Name;
        return labels;
    }

    private static void Record(
        AlertInstance? existing, AlertInstance? next, string fingerprint, DateTimeOffset now,
        List<AlertInstance> current, List<string> deleted, List<AlertTransition> transitions)
    {
        var from = existing?.State ?? AlertState.Inactive;
        if (next is { State: AlertState.Resolved, ResolvedAt: { } resolvedAt } && now - resolvedAt >= ResolvedRetention)
        {
            deleted.Add(fingerprint);
            transitions.Add(new AlertTransition(fingerprint, from, AlertState.Inactive, now, next));
            return;
        }
        if (next is null)
        {
            if (existing is not null)
            {
                deleted.Add(fingerprint);
                transitions.Add(new AlertTransition(fingerprint, from, AlertState.Inactive, now, existing));
            }
            return;
        }
        current.Add(next);
        if (next.State != from)
        {
            transitions.Add(new AlertTransition(fingerprint, from, next.State, now, next));
        }
    }

    /// <summary>The alert after this evaluation, or null when there is none.</summary>
    private static AlertInstance? Step(
        AlertRule rule, ConditionResult result, IReadOnlyDictionary<string, string> labels, string fingerprint, AlertInstance? existing, DateTimeOffset now)
    {
        if (result.Value is not { } value)
        {
            if (existing is null || existing.State == AlertState.Resolved)
            {
                return existing;
            }
            var reason = result.NoDataReason ?? "no value";
            return existing with
            {
                Value = null,
                EvaluatedAt = now,
                Annotations = Render(rule, null, existing.Labels, reason),
            };
        }

        if (rule.IsBreachedBy(value))
        {
            if (existing is null || existing.State is AlertState.Resolved or AlertState.Inactive)
            {
                // A new episode: everything about the previous one (its times, its acknowledgement) is left behind.
                var firesNow = rule.For <= TimeSpan.Zero;
                return new AlertInstance(
                    fingerprint,
                    rule.Id,
                    labels,
                    Render(rule, value, labels, null),
                    firesNow ? AlertState.Firing : AlertState.Pending,
                    ActiveSince: now,
                    FiringSince: firesNow ? now : null,
                    ResolvedAt: null,
                    Value: value,
                    EvaluatedAt: now,
                    // A bad sample from before the previous episode resolved belongs to that episode, not to this one.
                    ImpactStart: Latest(Earliest(result.ImpactStart, now), existing?.ResolvedAt));
            }
            var promote = existing.State == AlertState.Pending && existing.ActiveSince is { } since && now - since >= rule.For;
            return existing with
            {
                State = promote ? AlertState.Firing : existing.State,
                FiringSince = promote ? now : existing.FiringSince,
                Value = value,
                EvaluatedAt = now,
                Annotations = Render(rule, value, existing.Labels, null),
                ImpactStart = Earliest(result.ImpactStart, existing.ImpactStart ?? existing.ActiveSince ?? now),
            };
        }

        return existing?.State switch
        {
            null or AlertState.Pending or AlertState.Inactive => null,
            AlertState.Firing => existing with
            {
                State = AlertState.Resolved,
                ActiveSince = null,
                ResolvedAt = now,
                Value = value,
                EvaluatedAt = now,
                Annotations = Render(rule, value, existing.Labels, null),
            },
            _ => existing, // Resolved and still fine: kept as it was resolved until the retention ends.
        };
    }

    private static DateTimeOffset Latest(DateTimeOffset time, DateTimeOffset? floor) =>
        floor is { } f && f > time ? f : time;

    private static DateTimeOffset Earliest(DateTimeOffset? candidate, DateTimeOffset fallback) =>
        candidate is { } c && c < fallback ? c : fallback;

    private static IReadOnlyDictionary<string, string> Render(AlertRule rule, double? value, IReadOnlyDictionary<string, string> labels, string? noDataReason)
    {
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, text) in rule.Annotations)
        {
            annotations[name] = AlertTemplate.Render(text, value, labels);
        }
        if (noDataReason is not null)
        {
            annotations[KnownAlertAnnotations.NoData] = noDataReason;
        }
        return annotations;
    }
}

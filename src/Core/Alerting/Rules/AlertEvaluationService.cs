using Microsoft.Extensions.Logging;

namespace Observability.Core.Alerting.Rules;

/// <summary>How one rule's evaluation went at a tick, for the rules API and /metrics: series, series without data, the failure, and how long it took.</summary>
public sealed record RuleEvaluation(string RuleId, string RuleName, DateTimeOffset EvaluatedAt, int Series, int NoDataSeries, string? Error, double DurationMilliseconds);

/// <summary>One tick over every rule: the alerts to save and delete, the state changes to notify, and each rule's evaluation.</summary>
public sealed record AlertTickResult(
    IReadOnlyList<AlertInstance> Current,
    IReadOnlyList<string> Deleted,
    IReadOnlyList<AlertTransition> Transitions,
    IReadOnlyList<RuleEvaluation> Rules);

/// <summary>
/// One evaluation tick: every rule is measured at the same instant and advanced through the state machine, and the
/// alerts of rules no longer evaluated are retired. A rule whose measurement fails does not stop the others: its alerts
/// see no data, which keeps them as they are, and the failure is reported with the rule.
/// </summary>
public sealed class AlertEvaluationService(AlertConditionEvaluator evaluator, TimeProvider time, ILogger<AlertEvaluationService> logger)
{
    /// <param name="rules">The rules to evaluate, with distinct <see cref="AlertRule.Id"/>s (<see cref="DefaultAlertRules.Merge"/> gives such a list).</param>
    /// <param name="stored">Every stored alert, as the previous tick (or process) left them.</param>
    public async Task<AlertTickResult> EvaluateAsync(IReadOnlyList<AlertRule> rules, IReadOnlyList<AlertInstance> stored, CancellationToken cancellationToken)
    {
        var duplicate = rules.GroupBy(rule => rule.Id, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"rule id '{duplicate.Key}' appears {duplicate.Count()} times; rule ids must be unique", nameof(rules));
        }

        var now = time.GetUtcNow();
        var current = new List<AlertInstance>();
        var deleted = new List<string>();
        var transitions = new List<AlertTransition>();
        var evaluations = new List<RuleEvaluation>();
        foreach (var rule in rules)
        {
            IReadOnlyList<ConditionResult> results;
            string? error = null;
            var started = time.GetTimestamp();
            try
            {
                results = await evaluator.EvaluateAsync(rule, now, cancellationToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                // A store hiccup is not a recovery: every alert of the rule keeps its state with the reason as its no-data note.
                logger.LogWarning(failure, "Alert rule {Rule} could not be evaluated", rule.Id);
                error = $"evaluation failed: {failure.Message}";
                results = [.. stored.Where(alert => alert.RuleName == rule.Id).Select(alert => ConditionResult.NoData(SeriesLabelsOf(rule, alert), error))];
            }
            var step = AlertStateMachine.Advance(rule, results, stored, now);
            current.AddRange(step.Current);
            deleted.AddRange(step.Deleted);
            transitions.AddRange(step.Transitions);
            evaluations.Add(new RuleEvaluation(rule.Id, rule.Name, now, results.Count, results.Count(r => r.Value is null), error,
                time.GetElapsedTime(started).TotalMilliseconds));
        }

        var retired = AlertStateMachine.RetireOrphans([.. rules.Select(rule => rule.Id)], stored, now);
        current.AddRange(retired.Current);
        deleted.AddRange(retired.Deleted);
        transitions.AddRange(retired.Transitions);
        return new AlertTickResult(current, deleted, transitions, evaluations);
    }

    /// <summary>The series labels that give back the alert's labels, so its fingerprint is found again.</summary>
    private static IReadOnlyDictionary<string, string> SeriesLabelsOf(AlertRule rule, AlertInstance alert) =>
        alert.Labels.Where(label => label.Key != KnownAlertLabels.AlertName && !rule.Labels.ContainsKey(label.Key))
            .ToDictionary(label => label.Key, label => label.Value, StringComparer.Ordinal);
}

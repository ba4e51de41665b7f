using Observability.Collector.Alerting;
using Observability.Core.Alerting;
using Observability.Dashboard.OnCall;

namespace Observability.Dashboard.Components.Pages;

/// <summary>
/// Firing, pending and recently resolved alerts with their labels and annotations; acknowledge and silence (on-call,
/// SREs, admins); the active silences; every rule with its state. Re-read on a timer while open.
/// </summary>
public sealed partial class Alerts
{
    private static readonly AlertState[] ShownStates = [AlertState.Firing, AlertState.Pending, AlertState.Resolved];

    private AlertsSnapshot? Snapshot { get; set; }

    private AlertState Filter { get; set; } = AlertState.Firing;

    private AlertInstance? SilencingFrom { get; set; }

    private string? SilenceRefusal { get; set; }

    protected override string WhatIsRead => "the alerts";

    private List<AlertInstance> Shown => Snapshot?.Alerts.Where(a => a.State == Filter).ToList() ?? [];

    private string NoAlertsText => Filter switch
    {
        AlertState.Firing => "No alert is firing.",
        AlertState.Pending => "No alert is pending.",
        _ => "No alert resolved recently.",
    };

    protected override async Task ReadDataAsync(CancellationToken cancellationToken) => Snapshot = await Source.ReadAlertsAsync(cancellationToken);

    private int Count(AlertState state) => Snapshot?.Alerts.Count(a => a.State == state) ?? 0;

    private static string Capitalized(AlertState state) => state.ToString();

    private async Task AcknowledgeAsync(AlertInstance alert)
    {
        var outcome = await Source.AcknowledgeAsync(User, alert.Fingerprint, Closed);
        Say(outcome.Refusal is { } refusal
            ? $"Not acknowledged: {refusal.Message}."
            : $"{alert.RuleName} acknowledged by {outcome.Value!.AcknowledgedBy}.", outcome.Refusal is not null);
        await ReadAsync(Closed);
    }

    private void StartSilence(AlertInstance alert)
    {
        SilencingFrom = alert;
        SilenceRefusal = null;
    }

    private async Task CreateSilenceAsync(SilenceDraft draft)
    {
        var outcome = await Source.AddSilenceAsync(User, draft, Closed);
        if (outcome.Refusal is { } refusal)
        {
            SilenceRefusal = refusal.Message;
            return;
        }
        SilencingFrom = null;
        Say($"Silence {outcome.Value!.Id} created until {OnCallText.Time(outcome.Value.EndsAt)}.", isError: false);
        await ReadAsync(Closed);
    }

    private async Task ExpireAsync(Silence silence)
    {
        var outcome = await Source.ExpireSilenceAsync(User, silence.Id, Closed);
        Say(outcome.Refusal is { } refusal ? $"Not expired: {refusal.Message}." : $"Silence {silence.Id} expired.", outcome.Refusal is not null);
        await ReadAsync(Closed);
    }
    private static string MatchersText(Silence silence) => string.Join(", ", silence.Matchers.Select(m =>
        $"{m.Name}{(m.IsEqual ? (m.IsRegex ? "=~" : "=") : (m.IsRegex ? "!~" : "!="))}{m.Value}"));

    private static string LabelsText(IReadOnlyDictionary<string, string> labels) =>
        labels.Count == 0 ? "none" : string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    private static string RuleStateText(AlertRuleStatus status)
    {
        var state = status.Firing > 0 ? $"{status.Firing} firing" + (status.Pending > 0 ? $", {status.Pending} pending" : "")
            : status.Pending > 0 ? $"{status.Pending} pending"
            : "inactive";
        return status.LastEvaluation switch
        {
            null => $"{state}; not evaluated yet",
            { Error: { } error } => $"{state}; last evaluation failed: {error}",
            { } evaluation => $"{state}; evaluated at {evaluation.EvaluatedAt.UtcDateTime:HH:mm:ss} UTC over {evaluation.Series} series" +
                (evaluation.NoDataSeries > 0 ? $" ({evaluation.NoDataSeries} without data)" : ""),
        };
    }
}

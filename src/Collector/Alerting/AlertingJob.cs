using Hangfire;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Incidents;
using Observability.Core.Alerting.Rules;

namespace Observability.Collector.Alerting;

/// <summary>
/// The evaluation tick: every rule measured at one instant and advanced through the state machine, the alerts saved,
/// incidents opened and resolved to match. Several Collectors sharing a database run each occurrence once (Hangfire's
/// lock), so the state machine sees every tick exactly once.
/// </summary>
public sealed class AlertingJob(
    AlertEvaluationService evaluation,
    AlertRuleSet rules,
    IAlertingStore store,
    IncidentService incidents,
    IEnumerable<IAlertStateObserver> observers,
    ILogger<AlertingJob> logger)
{
    public const string RecurringJobId = "alert-evaluation";

    /// <summary>The outcome of the last tick in this process, for the rules API.</summary>
    public AlertTickResult? LastTick { get; private set; }

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 30)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var stored = await store.GetAlertsAsync(cancellationToken);
        var tick = await evaluation.EvaluateAsync(rules.Rules, stored, cancellationToken);
        await store.SaveAlertsAsync(tick.Current, tick.Deleted, cancellationToken);
        LastTick = tick;
        foreach (var transition in tick.Transitions)
        {
            logger.LogInformation("Alert {Rule} {Fingerprint}: {From} -> {To}", transition.Alert.RuleName, transition.Fingerprint, transition.From, transition.To);
        }
        // Acknowledgements made while this tick ran are in the store, not in tick.Current.
        var current = await store.GetAlertsAsync(cancellationToken);
        await incidents.ReconcileAsync(current, cancellationToken);
        foreach (var observer in observers)
        {
            await observer.AlertsEvaluatedAsync(current, tick.Transitions, cancellationToken);
        }
    }
}

/// <summary>Told after every evaluation tick: notification dispatch, live pages.</summary>
public interface IAlertStateObserver
{
    Task AlertsEvaluatedAsync(IReadOnlyList<AlertInstance> alerts, IReadOnlyList<AlertTransition> transitions, CancellationToken cancellationToken);
}

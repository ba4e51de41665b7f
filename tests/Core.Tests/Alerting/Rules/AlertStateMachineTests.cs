using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Rules;
using Observability.Core.Roadmap;

namespace Observability.Core.Tests.Alerting.Rules;

/// <summary>
/// The state machine walked along hand-written timelines with a <see cref="FakeTimeProvider"/>: every step feeds one
/// evaluation's results and the alerts the previous step left, as the evaluation job does.
/// </summary>
public sealed class AlertStateMachineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlyDictionary<string, string> Shop = Series("shop");

    private readonly FakeTimeProvider _time = new(T0);
    private IReadOnlyList<AlertInstance> _alerts = [];

    private static AlertRule ErrorRule(TimeSpan forDuration) => new()
    {
        Name = "HighErrorRatio",
        Condition = new RedCondition(RedSignal.ErrorRatio, null, null),
        Comparator = TargetComparator.GreaterThan,
        Threshold = 0.05,
        Window = TimeSpan.FromSeconds(30),
        For = forDuration,
        Labels = new Dictionary<string, string> { ["severity"] = "page", ["team"] = "shop-team" },
        Annotations = new Dictionary<string, string> { ["summary"] = "{{ $labels.service }}: error ratio {{ $value }}" },
    };

    private static IReadOnlyDictionary<string, string> Series(string service) => new Dictionary<string, string> { ["service"] = service };

    /// <summary>Moves the clock to T0 + <paramref name="seconds"/>, evaluates, and keeps what the machine left for the next step.</summary>
    private AlertTransitionResult Step(AlertRule rule, double seconds, params ConditionResult[] results)
    {
        _time.SetUtcNow(T0.AddSeconds(seconds));
        var result = AlertStateMachine.Advance(rule, results, _alerts, _time.GetUtcNow());
        _alerts = result.Current;
        return result;
    }

    private AlertInstance Only => Assert.Single(_alerts);

    [Fact]
    public void Pending_fires_after_for_then_resolves_and_is_deleted_15_minutes_later()
    {
        var rule = ErrorRule(TimeSpan.FromMinutes(1));

        var first = Step(rule, 0, ConditionResult.Measured(Shop, 0.2));
        Assert.Equal(AlertState.Pending, Only.State);
        Assert.Equal(T0, Only.ActiveSince);
        Assert.Null(Only.FiringSince);
        Assert.Equal((AlertState.Inactive, AlertState.Pending), (first.Transitions.Single().From, first.Transitions.Single().To));

        // 59 s into the condition: still pending, and no transition to notify.
        Assert.Empty(Step(rule, 59, ConditionResult.Measured(Shop, 0.3)).Transitions);
        Assert.Equal(AlertState.Pending, Only.State);

        // 60 s: now − ActiveSince = For, so it fires; FiringSince (Alertmanager's startsAt) is now.
        var firing = Step(rule, 60, ConditionResult.Measured(Shop, 0.25));
        Assert.Equal(AlertState.Firing, Only.State);
        Assert.Equal(T0.AddSeconds(60), Only.FiringSince);
        Assert.Equal(T0, Only.ImpactStart);
        Assert.Equal("shop: error ratio 0.25", Only.Annotations["summary"]);
        Assert.Equal((AlertState.Pending, AlertState.Firing), (firing.Transitions.Single().From, firing.Transitions.Single().To));

        // 90 s: the ratio is back under 5%: resolved at once (ResolvedAt = endsAt), with the value that resolved it.
        var resolved = Step(rule, 90, ConditionResult.Measured(Shop, 0.01));
        Assert.Equal(AlertState.Resolved, Only.State);
        Assert.Equal(T0.AddSeconds(90), Only.ResolvedAt);
        Assert.Equal(T0.AddSeconds(60), Only.FiringSince);
        Assert.Equal("shop: error ratio 0.01", Only.Annotations["summary"]);
        Assert.Equal(AlertState.Resolved, resolved.Transitions.Single().To);

        // Kept 15 minutes so the resolved notification can go out, then deleted.
        Assert.Empty(Step(rule, 90 + 15 * 60 - 1, ConditionResult.Measured(Shop, 0.01)).Deleted);
        Assert.Equal(AlertState.Resolved, Only.State);
        var gone = Step(rule, 90 + 15 * 60, ConditionResult.Measured(Shop, 0.01));
        Assert.Empty(_alerts);
        Assert.Equal(AlertFingerprint.Of(new Dictionary<string, string>
        {
            ["alertname"] = "HighErrorRatio", ["severity"] = "page", ["team"] = "shop-team", ["service"] = "shop",
        }), Assert.Single(gone.Deleted));
        Assert.Equal((AlertState.Resolved, AlertState.Inactive), (gone.Transitions.Single().From, gone.Transitions.Single().To));
    }

    [Fact]
    public void For_zero_fires_at_the_first_true_evaluation()
    {
        var result = Step(ErrorRule(TimeSpan.Zero), 0, ConditionResult.Measured(Shop, 0.5));

        Assert.Equal(AlertState.Firing, Only.State);
        Assert.Equal(T0, Only.ActiveSince);
        Assert.Equal(T0, Only.FiringSince);
        Assert.Equal((AlertState.Inactive, AlertState.Firing), (result.Transitions.Single().From, result.Transitions.Single().To));
    }

    [Fact]
    public void A_pending_alert_whose_condition_clears_goes_away_without_firing()
    {
        var rule = ErrorRule(TimeSpan.FromMinutes(1));
        Step(rule, 0, ConditionResult.Measured(Shop, 0.2));

        var cleared = Step(rule, 30, ConditionResult.Measured(Shop, 0.05)); // 0.05 is not > 0.05

        Assert.Empty(_alerts);
        Assert.Single(cleared.Deleted);
        Assert.Equal((AlertState.Pending, AlertState.Inactive), (cleared.Transitions.Single().From, cleared.Transitions.Single().To));

        // The condition returning later starts from scratch: For counts again from then.
        Step(rule, 40, ConditionResult.Measured(Shop, 0.2));
        Step(rule, 90, ConditionResult.Measured(Shop, 0.2));
        Assert.Equal(AlertState.Pending, Only.State);
        Step(rule, 100, ConditionResult.Measured(Shop, 0.2));
        Assert.Equal(AlertState.Firing, Only.State);
    }

    [Fact]
    public void No_data_keeps_a_firing_alert_firing_and_never_starts_or_promotes_one()
    {
        var rule = ErrorRule(TimeSpan.FromSeconds(20));
        var noSpans = ConditionResult.NoData(Shop, "no entry spans of shop between ...");

        // No data on its own never creates an alert.
        Assert.Empty(Step(rule, 0, noSpans).Transitions);
        Assert.Empty(_alerts);

        // Pending, then a gap: it stays pending (not resolved, not deleted) and does not fire during the gap.
        Step(rule, 10, ConditionResult.Measured(Shop, 0.2));
        Assert.Empty(Step(rule, 40, noSpans).Transitions);
        Assert.Equal(AlertState.Pending, Only.State);
        Assert.Null(Only.Value);
        Assert.Equal("no entry spans of shop between ...", Only.Annotations[KnownAlertAnnotations.NoData]);
        Assert.Equal("shop: error ratio no data", Only.Annotations["summary"]);

        // Data again and still bad: 40 s since ActiveSince ≥ 20 s, so it fires; the no-data note is gone.
        Step(rule, 50, ConditionResult.Measured(Shop, 0.2));
        Assert.Equal(AlertState.Firing, Only.State);
        Assert.False(Only.Annotations.ContainsKey(KnownAlertAnnotations.NoData));

        // Firing, then the service stops reporting altogether (its series is missing): still firing, not resolved.
        var missing = Step(rule, 60);
        Assert.Empty(missing.Transitions);
        Assert.Empty(missing.Deleted);
        Assert.Equal(AlertState.Firing, Only.State);
        Assert.Equal("the series was missing from this evaluation", Only.Annotations[KnownAlertAnnotations.NoData]);

        // Only a measured recovery resolves it.
        Step(rule, 70, ConditionResult.Measured(Shop, 0.0));
        Assert.Equal(AlertState.Resolved, Only.State);
    }

    [Fact]
    public void A_resolved_alert_whose_condition_returns_starts_a_new_episode_without_the_old_acknowledgement()
    {
        var rule = ErrorRule(TimeSpan.Zero);
        Step(rule, 0, ConditionResult.Measured(Shop, 0.2));
        // An on-call engineer acknowledges (the API writes the instance back with the ack).
        _alerts = [Only with { AcknowledgedBy = "alice", AcknowledgedAt = T0.AddSeconds(5) }];

        // The ack survives the episode: while firing and once resolved.
        Step(rule, 10, ConditionResult.Measured(Shop, 0.3));
        Assert.Equal("alice", Only.AcknowledgedBy);
        Step(rule, 20, ConditionResult.Measured(Shop, 0.0));
        Assert.Equal(AlertState.Resolved, Only.State);
        Assert.Equal("alice", Only.AcknowledgedBy);

        // Bad again five minutes later: a new episode with the same fingerprint, new times and no ack.
        var fingerprint = Only.Fingerprint;
        var again = Step(rule, 320, ConditionResult.Measured(Shop, 0.4));
        Assert.Equal(fingerprint, Only.Fingerprint);
        Assert.Equal(AlertState.Firing, Only.State);
        Assert.Equal(T0.AddSeconds(320), Only.ActiveSince);
        Assert.Equal(T0.AddSeconds(320), Only.FiringSince);
        Assert.Equal(T0.AddSeconds(320), Only.ImpactStart);
        Assert.Null(Only.ResolvedAt);
        Assert.Null(Only.AcknowledgedBy);
        Assert.Null(Only.AcknowledgedAt);
        Assert.Equal((AlertState.Resolved, AlertState.Firing), (again.Transitions.Single().From, again.Transitions.Single().To));
    }

    [Fact]
    public void Impact_start_takes_an_earlier_ground_truth_when_the_caller_has_one()
    {
        var rule = ErrorRule(TimeSpan.FromSeconds(10));
        var faultStart = T0.AddSeconds(-7);

        Step(rule, 0, ConditionResult.Measured(Shop, 0.2));
        Assert.Equal(T0, Only.ImpactStart);

        // The fault's ground-truth start arrives with a later evaluation: the episode's impact moves back to it.
        Step(rule, 10, ConditionResult.Measured(Shop, 0.2) with { ImpactStart = faultStart });
        Assert.Equal(AlertState.Firing, Only.State);
        Assert.Equal(faultStart, Only.ImpactStart);

        // A later "start" never moves it forward again.
        Step(rule, 20, ConditionResult.Measured(Shop, 0.2) with { ImpactStart = T0.AddSeconds(15) });
        Assert.Equal(faultStart, Only.ImpactStart);

        // Resolved at 30 s; bad again at 40 s with a first bad sample (25 s) from before the resolution: the new
        // episode's impact cannot start before the previous one ended.
        Step(rule, 30, ConditionResult.Measured(Shop, 0.0));
        Step(rule, 40, ConditionResult.Measured(Shop, 0.2) with { ImpactStart = T0.AddSeconds(25) });
        Assert.Equal(AlertState.Pending, Only.State);
        Assert.Equal(T0.AddSeconds(30), Only.ImpactStart);
    }

    [Fact]
    public void State_survives_a_restart_through_the_stored_alert_instances_alone()
    {
        var rule = ErrorRule(TimeSpan.FromMinutes(1));
        Step(rule, 0, ConditionResult.Measured(Shop, 0.2));
        Step(rule, 30, ConditionResult.Measured(Shop, 0.2));

        // "Restart": only what the store keeps, through JSON, into a fresh run of the machine.
        var stored = JsonSerializer.Serialize(_alerts);
        _alerts = JsonSerializer.Deserialize<List<AlertInstance>>(stored)!;

        var afterRestart = Step(rule, 60, ConditionResult.Measured(Shop, 0.2));
        Assert.Equal(AlertState.Firing, Only.State);
        Assert.Equal(T0, Only.ActiveSince);
        Assert.Equal(T0.AddSeconds(60), Only.FiringSince);
        Assert.Equal(AlertState.Pending, afterRestart.Transitions.Single().From);
    }

    [Fact]
    public void Each_series_is_its_own_alert_and_other_rules_alerts_are_left_alone()
    {
        var rule = ErrorRule(TimeSpan.Zero);
        var other = new AlertInstance("0000000000000001", "SomeOtherRule", new Dictionary<string, string> { ["alertname"] = "SomeOtherRule" },
            new Dictionary<string, string>(), AlertState.Firing, T0, T0, null, 1, T0);
        _alerts = [other];

        var result = Step(rule, 0, ConditionResult.Measured(Series("shop"), 0.2), ConditionResult.Measured(Series("cart"), 0.01),
            ConditionResult.Measured(Series("pay"), 0.9));

        Assert.Equal(["pay", "shop"], result.Current.Select(a => a.Labels["service"]).Order());
        Assert.All(result.Current, alert => Assert.Equal("HighErrorRatio", alert.Labels["alertname"]));
        Assert.All(result.Current, alert => Assert.Equal("shop-team", alert.Labels["team"]));
        Assert.Equal("pay: error ratio 0.9", result.Current.Single(a => a.Labels["service"] == "pay").Annotations["summary"]);
        Assert.Empty(result.Deleted);
        Assert.DoesNotContain(result.Transitions, t => t.Fingerprint == other.Fingerprint);
    }

    [Fact]
    public void Rule_labels_win_over_series_labels_and_alertname_over_both()
    {
        var rule = ErrorRule(TimeSpan.Zero) with { Labels = new Dictionary<string, string> { ["severity"] = "page", ["service"] = "from-rule" } };

        var labels = AlertStateMachine.LabelsOf(rule, new Dictionary<string, string> { ["service"] = "shop", ["alertname"] = "spoofed", ["zone"] = "a" });

        Assert.Equal(new Dictionary<string, string>
        {
            ["alertname"] = "HighErrorRatio", ["service"] = "from-rule", ["severity"] = "page", ["zone"] = "a",
        }, labels);
    }

    [Fact]
    public void Alerts_of_a_removed_rule_resolve_then_go_away()
    {
        var rule = ErrorRule(TimeSpan.Zero);
        Step(rule, 0, ConditionResult.Measured(Series("shop"), 0.2));
        var pendingRule = ErrorRule(TimeSpan.FromMinutes(5)) with { Name = "Slow" };
        var pending = AlertStateMachine.Advance(pendingRule, [ConditionResult.Measured(Shop, 0.2)], [], T0).Current;
        _alerts = [.. _alerts, .. pending];

        // Both rules are gone from the file: the firing alert resolves (receivers hear it ended), the pending one is dropped.
        var retired = AlertStateMachine.RetireOrphans(["SomeOtherRule"], _alerts, T0.AddSeconds(30));

        var resolved = Assert.Single(retired.Current);
        Assert.Equal((AlertState.Resolved, T0.AddSeconds(30)), (resolved.State, resolved.ResolvedAt));
        Assert.Equal(pending.Single().Fingerprint, Assert.Single(retired.Deleted));
        Assert.Equal(
            [(AlertState.Firing, AlertState.Resolved), (AlertState.Pending, AlertState.Inactive)],
            retired.Transitions.Select(t => (t.From, t.To)));

        // 15 minutes later the resolved one is deleted too.
        var later = AlertStateMachine.RetireOrphans([], retired.Current, T0.AddSeconds(30 + 15 * 60));
        Assert.Empty(later.Current);
        Assert.Equal(resolved.Fingerprint, Assert.Single(later.Deleted));
    }

    [Theory]
    [InlineData(0.0825, "0.0825")]
    [InlineData(412.3456, "412.3")]
    [InlineData(300.0, "300")]
    [InlineData(12345.6, "12346")]
    [InlineData(0.0000123, "0.0000123")]
    [InlineData(null, "no data")]
    public void Values_render_plainly(double? value, string text) => Assert.Equal(text, AlertTemplate.FormatValue(value));

    [Fact]
    public void Templates_render_labels_and_leave_missing_labels_empty()
    {
        var labels = new Dictionary<string, string> { ["service"] = "shop", ["service.name"] = "shop-svc" };

        Assert.Equal("shop/shop-svc/ at 0.5", AlertTemplate.Render("{{ $labels.service }}/{{$labels.service.name}}/{{ $labels.team }} at {{ $value }}", 0.5, labels));
    }
}

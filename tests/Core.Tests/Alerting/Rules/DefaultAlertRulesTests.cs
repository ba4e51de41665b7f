using Observability.Core.Alerting.Rules;
using Observability.Core.Alerting.Slo;
using Observability.Core.Roadmap;
using Observability.Core.Tests.Alerting.Slo;

namespace Observability.Core.Tests.Alerting.Rules;

public sealed class DefaultAlertRulesTests
{
    private static readonly RoadmapDefinition Roadmap = AlertingFixtures.Roadmap;

    [Fact]
    public void Phase_2_gets_a_ticket_per_target_missed_and_the_two_pages()
    {
        var rules = DefaultAlertRules.For(Roadmap, 2, TimeSpan.FromMinutes(5));

        var missed = rules.Where(r => r.Name == DefaultAlertRules.RoadmapTargetMissed).ToList();
        // Phase 2: users >= 3000, p99 < 300 ms, instance CPU < 60%, database CPU < 70%: each fires when the inverse holds.
        Assert.Equal(
            ["concurrent_users < 3000", "response_time_p99 >= 300", "instance_cpu >= 60", "database_cpu >= 70"],
            missed.Select(r => $"{((KpiCondition)r.Condition).KpiId} {r.Comparator.Symbol()} {r.Threshold}"));
        Assert.All(missed, r => Assert.Equal(("ticket", "2", TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5)), (r.Severity, r.Labels["phase"], r.For, r.Window)));
        Assert.Equal(["p2.concurrent_users", "p2.response_time_p99", "p2.instance_cpu", "p2.database_cpu"], missed.Select(r => r.Labels["target"]));
        Assert.Equal("response_time_p99", missed[1].Labels["kpi"]);
        Assert.Equal(4, missed.Select(r => r.Id).Distinct().Count());

        var errors = rules.Single(r => r.Name == DefaultAlertRules.HighErrorRatio);
        Assert.Equal((RedSignal.ErrorRatio, TargetComparator.GreaterThan, 0.05, TimeSpan.FromSeconds(30), TimeSpan.Zero, "page"),
            (((RedCondition)errors.Condition).Signal, errors.Comparator, errors.Threshold, errors.Window, errors.For, errors.Severity));

        var latency = rules.Single(r => r.Name == DefaultAlertRules.HighLatencyP99);
        Assert.Equal((RedSignal.P99, TargetComparator.GreaterOrEqual, 300.0, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), "page"),
            (((RedCondition)latency.Condition).Signal, latency.Comparator, latency.Threshold, latency.Window, latency.For, latency.Severity));
    }

    [Theory]
    [InlineData(1, 500)]
    [InlineData(3, 300)] // phase 3 sets no p99 target: phase 2's is still in force
    [InlineData(5, 200)]
    [InlineData(7, 200)]
    public void The_p99_page_uses_the_p99_target_in_force(int phase, double thresholdMilliseconds)
    {
        var latency = DefaultAlertRules.For(Roadmap, phase, TimeSpan.FromMinutes(5)).Single(r => r.Name == DefaultAlertRules.HighLatencyP99);

        Assert.Equal(thresholdMilliseconds, latency.Threshold);
    }

    [Fact]
    public void A_phase_the_roadmap_lacks_is_refused_naming_the_phases()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => DefaultAlertRules.For(Roadmap, 9, TimeSpan.FromMinutes(5)));

        Assert.Contains("the roadmap has phases 1 to 7", error.Message);
    }

    [Fact]
    public void File_rules_replace_defaults_of_the_same_name_and_slos_bring_their_burn_rate_rules()
    {
        var file = AlertRulesLoader.Parse("""
            slos:
              - { name: shop, service: shop, objective: 0.999, window: 30d, indicator: availability }
            rules:
              - name: HighErrorRatio
                red: { signal: error_ratio }
                comparator: ">"
                threshold: 0.2
                window: 1m
                labels: { severity: ticket }
            """, "alerts.yaml");

        var rules = DefaultAlertRules.Merge(DefaultAlertRules.For(Roadmap, 2, TimeSpan.FromMinutes(5)), file);

        var errors = Assert.Single(rules, r => r.Name == DefaultAlertRules.HighErrorRatio);
        Assert.Equal((0.2, "ticket"), (errors.Threshold, errors.Severity));
        Assert.Equal(4, rules.Count(r => r.Name == DefaultAlertRules.RoadmapTargetMissed));
        Assert.Single(rules, r => r.Name == DefaultAlertRules.HighLatencyP99);
        Assert.Equal(3, rules.Count(r => r.Name == SloAlertRules.AlertName));
        Assert.Equal(rules.Count, rules.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public void A_missed_target_fires_after_five_minutes_and_its_annotation_names_the_target()
    {
        var rule = DefaultAlertRules.For(Roadmap, 2, TimeSpan.FromMinutes(5))
            .Single(r => r.Name == DefaultAlertRules.RoadmapTargetMissed && r.Labels["target"] == "p2.response_time_p99");
        var t0 = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        IReadOnlyList<ConditionResult> slow = [ConditionResult.Measured(new Dictionary<string, string>(), 412.5)];

        var pending = AlertStateMachine.Advance(rule, slow, [], t0).Current;
        var firing = AlertStateMachine.Advance(rule, slow, pending, t0.AddMinutes(5)).Current;

        Assert.Equal(Core.Alerting.AlertState.Pending, Assert.Single(pending).State);
        var alert = Assert.Single(firing);
        Assert.Equal(Core.Alerting.AlertState.Firing, alert.State);
        Assert.Equal("Phase 2 target missed: Response time p99: <300ms", alert.Annotations["summary"]);
        Assert.Equal("response_time_p99 is 412.5 ms over the last 5m; phase 2 (Horizontal Scaling) targets < 300 ms.", alert.Annotations["description"]);
    }
}

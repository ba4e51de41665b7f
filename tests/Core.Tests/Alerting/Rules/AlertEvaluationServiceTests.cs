using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Rules;
using Observability.Core.Alerting.Slo;
using Observability.Core.Roadmap;
using Observability.Core.Tests.Alerting.Slo;

namespace Observability.Core.Tests.Alerting.Rules;

public sealed class AlertEvaluationServiceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeSpanRollups _rollups = new();
    private readonly FakeMetrics _metrics = new();
    private readonly FakeTimeProvider _time = new(Now);

    private AlertEvaluationService Service() => new(
        new AlertConditionEvaluator(AlertingFixtures.Kpis(_metrics, _rollups), _rollups, _metrics, new SloCalculator(_rollups, _metrics), _time),
        _time, NullLogger<AlertEvaluationService>.Instance);

    private static readonly AlertRule QueueRule = new()
    {
        Name = "QueueBacklog",
        Condition = new MetricCondition("queue.depth", "max", new Dictionary<string, string>(), []),
        Comparator = TargetComparator.GreaterThan,
        Threshold = 100,
        Window = TimeSpan.FromMinutes(1),
        For = TimeSpan.Zero,
        Labels = new Dictionary<string, string> { ["severity"] = "ticket" },
    };

    [Fact]
    public async Task A_tick_evaluates_every_rule_at_one_instant_and_a_failing_rule_keeps_its_alerts()
    {
        var errors = DefaultAlertRules.For(AlertingFixtures.Roadmap, 2, TimeSpan.FromMinutes(5)).Single(r => r.Name == DefaultAlertRules.HighErrorRatio)
            with { For = TimeSpan.Zero };
        _rollups.Add("shop", Now.AddSeconds(-10), 100, 50);
        _metrics.Gauge("queue.depth", "shop", Now.AddSeconds(-10), 500);
        var service = Service();

        var first = await service.EvaluateAsync([errors, QueueRule], [], CancellationToken.None);

        Assert.Equal(["HighErrorRatio", "QueueBacklog"], first.Current.Select(a => a.RuleName).Order());
        Assert.All(first.Current, alert => Assert.Equal(AlertState.Firing, alert.State));
        Assert.All(first.Rules, rule => Assert.Equal((1, 0, (string?)null, Now), (rule.Series, rule.NoDataSeries, rule.Error, rule.EvaluatedAt)));

        // The metric store fails at the next tick: the queue alert keeps firing with the failure as its no-data note;
        // the other rule is evaluated as usual.
        _metrics.Failure = new InvalidOperationException("database is locked");
        _time.Advance(TimeSpan.FromSeconds(5));
        var second = await service.EvaluateAsync([errors, QueueRule], first.Current, CancellationToken.None);

        var queue = second.Current.Single(a => a.RuleName == "QueueBacklog");
        Assert.Equal(AlertState.Firing, queue.State);
        Assert.Equal(first.Current.Single(a => a.RuleName == "QueueBacklog").Fingerprint, queue.Fingerprint);
        Assert.Equal("evaluation failed: database is locked", queue.Annotations[KnownAlertAnnotations.NoData]);
        Assert.Equal("evaluation failed: database is locked", second.Rules.Single(r => r.RuleId == "QueueBacklog").Error);
        Assert.Equal(AlertState.Firing, second.Current.Single(a => a.RuleName == "HighErrorRatio").State);
        Assert.Empty(second.Transitions);

        // The queue rule leaves the file: its firing alert resolves at the next tick.
        _time.Advance(TimeSpan.FromSeconds(5));
        var third = await service.EvaluateAsync([errors], second.Current, CancellationToken.None);
        var transition = Assert.Single(third.Transitions);
        Assert.Equal(("QueueBacklog", AlertState.Firing, AlertState.Resolved), (transition.Alert.RuleName, transition.From, transition.To));
    }

    [Fact]
    public async Task Rules_with_one_id_are_refused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Service().EvaluateAsync([QueueRule, QueueRule], [], CancellationToken.None));

        Assert.StartsWith("rule id 'QueueBacklog' appears 2 times", error.Message);
    }
}

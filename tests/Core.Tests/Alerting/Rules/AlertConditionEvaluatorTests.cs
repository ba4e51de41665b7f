using Microsoft.Extensions.Time.Testing;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Rules;
using Observability.Core.Alerting.Slo;
using Observability.Core.Roadmap;
using Observability.Core.Tests.Alerting.Slo;

namespace Observability.Core.Tests.Alerting.Rules;

public sealed class AlertConditionEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeSpanRollups _rollups = new();
    private readonly FakeMetrics _metrics = new();
    private FakeTimeProvider _time = new(Now);

    private AlertConditionEvaluator Evaluator() =>
        new(AlertingFixtures.Kpis(_metrics, _rollups), _rollups, _metrics, new SloCalculator(_rollups, _metrics), _time);

    private static AlertRule Rule(AlertCondition condition, TimeSpan window, double threshold = 0) => new()
    {
        Name = "Test",
        Condition = condition,
        Comparator = TargetComparator.GreaterThan,
        Threshold = threshold,
        Window = window,
        For = TimeSpan.Zero,
        Labels = new Dictionary<string, string> { ["severity"] = "page" },
    };

    private static Dictionary<string, double?> ByService(IReadOnlyList<ConditionResult> results) =>
        results.ToDictionary(r => r.SeriesLabels["service"], r => r.Value);

    [Fact]
    public async Task Red_error_ratio_is_one_series_per_service_over_the_window()
    {
        // In the last 30 s: shop 1,000 requests, 100 errors (0.1); cart 400 requests, none in error.
        // A minute ago (outside the window) shop had nothing but errors: it must not count.
        _rollups.Add("shop", Now.AddSeconds(-20), 1_000, 100).Add("cart", Now.AddSeconds(-10), 400)
            .Add("shop", Now.AddSeconds(-60), 500, 500)
            .Add("shop", Now.AddSeconds(-20), 50, 50, kind: Core.Telemetry.SpanKind.Client); // outgoing calls are not entry spans

        var results = await Evaluator().EvaluateAsync(Rule(new RedCondition(RedSignal.ErrorRatio, null, null), TimeSpan.FromSeconds(30)), CancellationToken.None);

        Assert.Equal(new Dictionary<string, double?> { ["cart"] = 0, ["shop"] = 0.1 }, ByService(results));
        // shop's first bucket over 5% on its own is the one at 11:59:40 (100 of 1,000); cart never had one.
        Assert.Equal(Now.AddSeconds(-20), results.Single(r => r.SeriesLabels["service"] == "shop").ImpactStart);
        Assert.Null(results.Single(r => r.SeriesLabels["service"] == "cart").ImpactStart);
    }

    [Fact]
    public async Task Red_rate_and_p99_of_one_service_and_operation()
    {
        // POST /pay: 100 spans of 1..100 ms in the last minute; GET /: 600 spans of 5 ms.
        _rollups.AddDurations("shop", Now.AddSeconds(-30), Enumerable.Range(1, 100).Select(i => (double)i), operation: "POST /pay")
            .Add("shop", Now.AddSeconds(-30), 600, 0, 5, operation: "GET /");
        var evaluator = Evaluator();

        var rate = Assert.Single(await evaluator.EvaluateAsync(Rule(new RedCondition(RedSignal.Rate, "shop", null), TimeSpan.FromMinutes(1)), CancellationToken.None));
        var p99 = Assert.Single(await evaluator.EvaluateAsync(Rule(new RedCondition(RedSignal.P99, "shop", "POST /pay"), TimeSpan.FromMinutes(1)), CancellationToken.None));

        Assert.Equal(700.0 / 60, rate.Value!.Value, 9); // 700 spans in 60 s
        Assert.Equal(99, p99.Value!.Value, 0.3);        // rank 99 of 1..100 ms, within the sketch's 0.27%
        Assert.Equal("shop", p99.SeriesLabels["service"]);
    }

    [Fact]
    public async Task A_named_service_without_spans_has_rate_zero_and_no_error_ratio()
    {
        _rollups.Add("cart", Now.AddSeconds(-10), 10);
        var evaluator = Evaluator();

        var rate = Assert.Single(await evaluator.EvaluateAsync(Rule(new RedCondition(RedSignal.Rate, "shop", null), TimeSpan.FromSeconds(30)), CancellationToken.None));
        var ratio = Assert.Single(await evaluator.EvaluateAsync(Rule(new RedCondition(RedSignal.ErrorRatio, "shop", null), TimeSpan.FromSeconds(30)), CancellationToken.None));

        Assert.Equal(0, rate.Value);
        Assert.Null(ratio.Value);
        Assert.Equal("no entry spans of shop between 2026-11-20 11:59:30Z and 2026-11-20 12:00:00Z", ratio.NoDataReason);
    }

    [Fact]
    public async Task A_kpi_condition_is_the_kpi_over_the_window()
    {
        // response_time_p99 over 5 minutes: server spans of 1..200 ms → p99 = 198 ms (rank 198 of 200).
        _rollups.AddDurations("shop", Now.AddMinutes(-2), Enumerable.Range(1, 200).Select(i => (double)i));
        var evaluator = Evaluator();

        var measured = Assert.Single(await evaluator.EvaluateAsync(Rule(new KpiCondition(KnownKpis.ResponseTimeP99), TimeSpan.FromMinutes(5)), CancellationToken.None));
        var missing = Assert.Single(await evaluator.EvaluateAsync(Rule(new KpiCondition(KnownKpis.ReplicationLag), TimeSpan.FromMinutes(5)), CancellationToken.None));

        Assert.Equal(198, measured.Value!.Value, 0.6);
        Assert.Empty(measured.SeriesLabels);
        Assert.Null(missing.Value);
        Assert.Contains("postgresql.replication.lag", missing.NoDataReason);
    }

    [Fact]
    public async Task A_metric_condition_is_one_series_per_by_label_set()
    {
        // queue.depth gauges in the last 2 minutes: orders on shop peaks at 40, on cart at 7; the billing queue is filtered out.
        _metrics.Gauge("queue.depth", "shop", Now.AddSeconds(-90), 25, ("queue", "orders"))
            .Gauge("queue.depth", "shop", Now.AddSeconds(-30), 40, ("queue", "orders"))
            .Gauge("queue.depth", "cart", Now.AddSeconds(-30), 7, ("queue", "orders"))
            .Gauge("queue.depth", "shop", Now.AddSeconds(-30), 900, ("queue", "billing"));
        var condition = new MetricCondition("queue.depth", "max", new Dictionary<string, string> { ["queue"] = "orders" }, ["service.name"]);

        var results = await Evaluator().EvaluateAsync(Rule(condition, TimeSpan.FromMinutes(2)), CancellationToken.None);

        Assert.Equal(new Dictionary<string, double?> { ["cart"] = 7, ["shop"] = 40 }, results.ToDictionary(r => r.SeriesLabels["service.name"], r => r.Value));

        var wrongAggregation = new MetricCondition("queue.depth", "p99", new Dictionary<string, string>(), []);
        var refused = Assert.Single(await Evaluator().EvaluateAsync(Rule(wrongAggregation, TimeSpan.FromMinutes(2)), CancellationToken.None));
        Assert.Null(refused.Value);
        Assert.Contains("needs a histogram", refused.NoDataReason);
    }

    /// <summary>
    /// The default HighErrorRatio rule (above 5% over 30 s, at once) evaluated every 5 s along a fault: the shop serves
    /// 100 requests every 10 s; from 12:00:00 a third of them fail; from 12:01:00 none do.
    /// </summary>
    [Fact]
    public async Task An_error_fault_fires_the_default_page_and_resolves_after_it_ends()
    {
        var rule = DefaultAlertRules.For(AlertingFixtures.Roadmap, 2, TimeSpan.FromMinutes(5)).Single(r => r.Name == DefaultAlertRules.HighErrorRatio);
        var start = Now.AddMinutes(-2);
        for (var at = start; at < Now.AddMinutes(3); at = at.AddSeconds(10))
        {
            var faulty = at >= Now && at < Now.AddMinutes(1);
            _rollups.Add("shop", at, 100, faulty ? 33 : 0);
        }
        _time = new FakeTimeProvider(start.AddSeconds(30));
        var evaluator = Evaluator();
        IReadOnlyList<AlertInstance> alerts = [];
        var timeline = new List<string>();

        for (; _time.GetUtcNow() <= Now.AddMinutes(3); _time.Advance(TimeSpan.FromSeconds(5)))
        {
            // Evaluate as the job does: at now, over the rollups up to now (buckets starting before now).
            var results = await evaluator.EvaluateAsync(rule, CancellationToken.None);
            var step = AlertStateMachine.Advance(rule, results, alerts, _time.GetUtcNow());
            alerts = step.Current;
            timeline.AddRange(step.Transitions.Select(t => $"{(t.At - Now).TotalSeconds:+0;-0;0}s {t.From}->{t.To}"));
        }

        // The window is read in whole 10 s buckets, the current one included. 12:00:05 reads 11:59:30..12:00:00: 33 errors
        // of 400 (8.25%) → firing at once. 12:01:25 still reads the last bad bucket (12:00:50,
        // 33 of 400); 12:01:30 reads 12:01:00..12:01:30, no errors → resolved, 30 s (one window) after the fault ended.
        Assert.Equal(["+5s Inactive->Firing", "+90s Firing->Resolved"], timeline);
        var alert = Assert.Single(alerts);
        Assert.Equal("shop: error ratio 0 over 30s (above 0.05)", alert.Annotations["summary"]);
        // The impact dates from the first bad bucket, 12:00:00, not from the first evaluation that saw it (12:00:05):
        // detected (firing) 5 s after the fault began.
        Assert.Equal(Now, alert.ImpactStart);
        Assert.Equal(TimeSpan.FromSeconds(5), alert.FiringSince - alert.ImpactStart);
        Assert.Equal("page", alert.Labels["severity"]);
    }
}

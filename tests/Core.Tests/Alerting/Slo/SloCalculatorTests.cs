using Observability.Core.Alerting.Rules;
using Observability.Core.Alerting.Slo;
using Observability.Core.Sketches;

namespace Observability.Core.Tests.Alerting.Slo;

/// <summary>SLO arithmetic against hand-worked examples; the working is in the comments.</summary>
public sealed class SloCalculatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static readonly SloDefinition Availability =
        new("shop-availability", "shop", new AvailabilityIndicator(), 0.999, new SloTimeWindow(TimeSpan.FromDays(30)));

    [Fact]
    public void Burn_rate_and_budget_come_from_counts()
    {
        // Objective 99.9%: the error budget is 0.1% of events.
        // 100,000 events, 250 bad: burn rate = (250 / 100,000) / 0.001 = 2.5;
        // allowed bad = 0.001 × 100,000 = 100, so 250 bad leaves 1 − 250/100 = −1.5 (overspent by 150%).
        var counts = new SloCounts(99_750, 100_000);
        Assert.Equal(2.5, SloCalculator.BurnRate(Availability, counts)!.Value, 12);
        Assert.Equal(-1.5, SloCalculator.BudgetRemaining(Availability, counts)!.Value, 12);

        // 40 bad of 100,000: burn 0.4, remaining 1 − 40/100 = 0.6.
        Assert.Equal(0.4, SloCalculator.BurnRate(Availability, new SloCounts(99_960, 100_000))!.Value, 12);
        Assert.Equal(0.6, SloCalculator.BudgetRemaining(Availability, new SloCounts(99_960, 100_000))!.Value, 12);

        // No events: no burn rate and no budget figure, never 0.
        Assert.Null(SloCalculator.BurnRate(Availability, new SloCounts(0, 0)));
        Assert.Null(SloCalculator.BudgetRemaining(Availability, SloCounts.NoData("none")));
    }

    [Fact]
    public async Task Counts_over_two_windows_are_never_the_average_of_their_ratios()
    {
        // Minute 1: 10 bad of 1,000 (1%); minute 2: 0 bad of 9,000 (0%).
        // The average of the ratios would say 0.5%; the counts say 10 / 10,000 = 0.1%, burn 0.1% / 0.1% = 1.
        var rollups = new FakeSpanRollups()
            .Add("shop", Now.AddSeconds(-120), 1_000, 10)
            .Add("shop", Now.AddSeconds(-60), 9_000, 0);
        var calculator = new SloCalculator(rollups, new FakeMetrics());

        var counts = await calculator.CountsAsync(Availability, Now.AddMinutes(-2), Now, CancellationToken.None);

        Assert.Equal((9_990.0, 10_000.0), (counts.Good, counts.Total));
        Assert.Equal(1.0, SloCalculator.BurnRate(Availability, counts)!.Value, 12);
    }

    /// <summary>
    /// A month of traffic in the fake rollups, worked by hand. Objective 99.9% (budget 0.1%), rolling 30 days.
    /// <list type="bullet">
    /// <item>Background: one row an hour, 2 to 720 hours before now (719 rows), each 12,000 requests with 6 errors (0.05%).</item>
    /// <item>The last hour: twelve 5-minute slices from now − 60 min to now − 5 min, 1,000 requests each; 10 errors in
    /// each of the first eleven, 70 in the last (now − 5 min).</item>
    /// </list>
    /// Burn rates, bad/total/0.001:
    /// <list type="bullet">
    /// <item>5m: the last slice, 70 / 1,000 → 70.</item>
    /// <item>30m: slices −30 … −5 min, 6,000 requests, 5 × 10 + 70 = 120 errors → 120 / 6,000 / 0.001 = 20.</item>
    /// <item>1h: 12,000 requests, 11 × 10 + 70 = 180 errors → 180 / 12,000 / 0.001 = 15.</item>
    /// <item>6h: the last hour plus background hours 2..6 (5 rows): 72,000 requests, 180 + 30 = 210 errors → 2.91666…</item>
    /// <item>3d: the last hour plus background hours 2..72 (71 rows): 864,000 requests, 180 + 426 = 606 errors → 0.701388…</item>
    /// </list>
    /// 30 days: 719 × 12,000 + 12,000 = 8,640,000 requests, 719 × 6 + 180 = 4,494 errors. Allowed bad = 8,640;
    /// budget remaining = 1 − 4,494 / 8,640 = 0.479861…; SLI = 1 − 4,494 / 8,640,000 = 99.947986…%.
    /// Alerts: page 14.4× needs 1h and 5m above 14.4: min(15, 70) = 15, fires. Page 6× needs 6h and 30m above 6:
    /// min(2.92, 20), does not. Ticket 1× needs 3d and 6h above 1: min(0.70, 2.92), does not.
    /// </summary>
    private static FakeSpanRollups AMonthOfTraffic()
    {
        var rollups = new FakeSpanRollups();
        for (var hour = 2; hour <= 720; hour++)
        {
            rollups.Add("shop", Now.AddHours(-hour), 12_000, 6);
        }
        for (var slice = 12; slice >= 1; slice--)
        {
            rollups.Add("shop", Now.AddMinutes(-5 * slice), 1_000, slice == 1 ? 70 : 10);
        }
        // Another service's errors never count for shop's SLO.
        rollups.Add("cart", Now.AddMinutes(-1), 1_000, 1_000);
        return rollups;
    }

    [Fact]
    public async Task Snapshot_stores_sli_budget_remaining_and_burn_rates_worked_by_hand()
    {
        var calculator = new SloCalculator(AMonthOfTraffic(), new FakeMetrics());

        var snapshot = (await calculator.SnapshotAsync(Availability, Now, CancellationToken.None)).ToDictionary(m => m.KpiId);

        Assert.Equal(
            ["slo:shop-availability:sli", "slo:shop-availability:budget_remaining", "slo:shop-availability:burn_rate_5m",
             "slo:shop-availability:burn_rate_30m", "slo:shop-availability:burn_rate_1h", "slo:shop-availability:burn_rate_6h",
             "slo:shop-availability:burn_rate_3d"],
            snapshot.Keys);
        Assert.Equal(99.9479861, snapshot["slo:shop-availability:sli"].Value!.Value, 6);
        Assert.Equal(47.9861111, snapshot["slo:shop-availability:budget_remaining"].Value!.Value, 6);
        Assert.Equal("%", snapshot["slo:shop-availability:budget_remaining"].Unit);
        Assert.Equal(Now.AddDays(-30), snapshot["slo:shop-availability:budget_remaining"].From);
        Assert.Equal(70, snapshot["slo:shop-availability:burn_rate_5m"].Value!.Value, 9);
        Assert.Equal(20, snapshot["slo:shop-availability:burn_rate_30m"].Value!.Value, 9);
        Assert.Equal(15, snapshot["slo:shop-availability:burn_rate_1h"].Value!.Value, 9);
        Assert.Equal(210.0 / 72_000 / 0.001, snapshot["slo:shop-availability:burn_rate_6h"].Value!.Value, 9);
        Assert.Equal(606.0 / 864_000 / 0.001, snapshot["slo:shop-availability:burn_rate_3d"].Value!.Value, 9);
        Assert.Equal("ratio", snapshot["slo:shop-availability:burn_rate_1h"].Unit);
        Assert.Equal(Now.AddHours(-1), snapshot["slo:shop-availability:burn_rate_1h"].From);
    }

    [Fact]
    public async Task Only_the_fast_page_burn_rate_rule_fires_on_the_hand_worked_month()
    {
        var rollups = AMonthOfTraffic();
        var evaluator = new AlertConditionEvaluator(
            AlertingFixtures.Kpis(new FakeMetrics(), rollups), rollups, new FakeMetrics(), new SloCalculator(rollups, new FakeMetrics()), TimeProvider.System);
        var fired = new List<string>();

        foreach (var rule in SloAlertRules.For(Availability))
        {
            var result = Assert.Single(await evaluator.EvaluateAsync(rule, Now, CancellationToken.None));
            var transition = AlertStateMachine.Advance(rule, [result], [], Now);
            fired.AddRange(transition.Current.Where(a => a.State == Core.Alerting.AlertState.Firing).Select(a => $"{a.Labels["window"]} {a.Labels["severity"]} {a.Value:0.###}"));
        }

        // 1h/5m: min(15, 70) = 15 > 14.4. 6h/30m: min(2.917, 20) < 6. 3d/6h: min(0.701, 2.917) < 1.
        Assert.Equal(["1h/5m page 15"], fired);
    }

    [Fact]
    public async Task Without_spans_every_series_is_no_data_with_the_reason()
    {
        var calculator = new SloCalculator(new FakeSpanRollups().Add("cart", Now.AddMinutes(-1), 100), new FakeMetrics());

        var snapshot = await calculator.SnapshotAsync(Availability, Now, CancellationToken.None);

        Assert.All(snapshot, m => Assert.Null(m.Value));
        Assert.All(snapshot, m => Assert.StartsWith("no server spans of shop between", m.NoDataReason));
    }

    [Fact]
    public async Task A_calendar_month_slo_counts_from_the_first_of_the_month()
    {
        var monthly = Availability with { TimeWindow = SloTimeWindow.CalendarMonth };
        // 20 November 12:00: the month so far starts 1 November 00:00Z. A row on 31 October does not count.
        var rollups = new FakeSpanRollups()
            .Add("shop", new DateTimeOffset(2026, 10, 31, 23, 0, 0, TimeSpan.Zero), 1_000, 1_000)
            .Add("shop", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), 10_000, 5);
        var calculator = new SloCalculator(rollups, new FakeMetrics());

        var budget = (await calculator.SnapshotAsync(monthly, Now, CancellationToken.None)).Single(m => m.KpiId.EndsWith(":budget_remaining", StringComparison.Ordinal));

        // 5 bad of 10 allowed (0.001 × 10,000): half the budget remains.
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), budget.From);
        Assert.Equal(50, budget.Value!.Value, 9);
    }

    [Fact]
    public async Task A_latency_slo_counts_spans_at_or_under_the_threshold_from_the_sketches()
    {
        // One span each of 1, 2, ..., 1000 ms for POST /pay, 500 slow spans of 5 s for GET /: with the operation,
        // 300 of 1,000 are at or under 300 ms (give or take the one at 300 ms, within the sketch's 0.27%).
        var rollups = new FakeSpanRollups()
            .AddDurations("shop", Now.AddMinutes(-1), Enumerable.Range(1, 1000).Select(i => (double)i), operation: "POST /pay")
            .Add("shop", Now.AddMinutes(-1), 500, 0, 5_000, operation: "GET /");
        var calculator = new SloCalculator(rollups, new FakeMetrics());
        var latency = Availability with { Indicator = new LatencyIndicator(300, "POST /pay") };

        var counts = await calculator.CountsAsync(latency, Now.AddMinutes(-5), Now, CancellationToken.None);

        Assert.Equal(1_000, counts.Total);
        Assert.InRange(counts.Good, 299, 300);

        // Service-wide: 1,500 spans, the 500 slow ones bad too.
        var all = await calculator.CountsAsync(Availability with { Indicator = new LatencyIndicator(300, null) }, Now.AddMinutes(-5), Now, CancellationToken.None);
        Assert.Equal(1_500, all.Total);
        Assert.InRange(all.Good, 299, 300);
    }

    [Fact]
    public async Task A_ratio_slo_counts_events_from_two_counters()
    {
        // Delta counters every 10 s over the last 5 minutes: 30 points of 100 requests, of which 30 points of 99 ok.
        // total 3,000, good 2,970, bad 30: burn over 5 min = 30 / 3,000 / 0.01 = 1 for a 99% objective.
        var metrics = new FakeMetrics();
        for (var i = 0; i < 30; i++)
        {
            var at = Now.AddSeconds(-300 + i * 10);
            metrics.Counter("orders.processed", "orders", at, 99, ("outcome", "ok"));
            metrics.Counter("orders.processed", "orders", at, 1, ("outcome", "failed"));
        }
        var slo = new SloDefinition("orders", "orders", new RatioIndicator(
            new SloMetricQuery("orders.processed", new Dictionary<string, string> { ["outcome"] = "ok" }),
            new SloMetricQuery("orders.processed", new Dictionary<string, string>())), 0.99, new SloTimeWindow(TimeSpan.FromDays(7)));
        var calculator = new SloCalculator(new FakeSpanRollups(), metrics);

        var counts = await calculator.CountsAsync(slo, Now.AddMinutes(-5), Now, CancellationToken.None);
        var (burn, _) = await calculator.BurnRateAsync(slo, TimeSpan.FromMinutes(5), Now, CancellationToken.None);

        Assert.Equal(2_970, counts.Good, 6);
        Assert.Equal(3_000, counts.Total, 6);
        Assert.Equal(1, burn!.Value, 6);

        // Nothing counted at all: no data, naming the metric.
        var (none, why) = await new SloCalculator(new FakeSpanRollups(), new FakeMetrics()).BurnRateAsync(slo, TimeSpan.FromMinutes(5), Now, CancellationToken.None);
        Assert.Null(none);
        Assert.Contains("orders.processed", why);
    }

    [Fact]
    public void Slo_alert_rules_are_the_workbook_windows()
    {
        var rules = SloAlertRules.For(Availability);

        Assert.Equal(
            ["1h/5m > 14.4 page", "6h/30m > 6 page", "3d/6h > 1 ticket"],
            rules.Select(r => $"{r.Labels["window"]} > {r.Threshold} {r.Severity}"));
        Assert.All(rules, rule => Assert.Equal(TimeSpan.Zero, rule.For));
        Assert.All(rules, rule => Assert.Equal("shop", rule.Labels["service"]));
        Assert.Equal(3, rules.Select(r => r.Id).Distinct().Count());
    }
}

public sealed class LatencySketchRanksTests
{
    [Fact]
    public void Counts_at_or_below_match_a_sorted_array_within_the_sketch_error()
    {
        var random = new Random(42);
        var values = Enumerable.Range(0, 20_000).Select(_ => Math.Exp(random.NextDouble() * 8)).ToArray(); // 1 ms to ~3 s
        var sketch = new LatencySketch(maxScale: 7);
        foreach (var value in values)
        {
            sketch.Add(value);
        }
        Array.Sort(values);

        foreach (var threshold in new[] { 0.5, 1.5, 10, 100, 250, 1000, 2980, 5000 })
        {
            var exact = values.Count(v => v <= threshold);
            // Only values within the relative error of the threshold can land on the wrong side.
            var near = values.Count(v => Math.Abs(v - threshold) <= sketch.RelativeError * v * 1.01);
            Assert.InRange(sketch.CountAtOrBelow(threshold), exact - near, exact + near);
        }
        Assert.Equal(0, sketch.CountAtOrBelow(values[0] - 0.01));
        Assert.Equal(values.Length, sketch.CountAtOrBelow(values[^1]));
        Assert.Equal(0, new LatencySketch().CountAtOrBelow(100));
    }
}

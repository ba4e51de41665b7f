using Bunit;
using Observability.Core.Kpis;
using Observability.Core.Roadmap;
using Observability.Dashboard.Components.Reports;
using Observability.Dashboard.Reports;

namespace Observability.Dashboard.Tests.Reports;

public sealed class ReportComponentTests : MudTestContext
{
    [Fact]
    public void The_chart_leaves_out_samples_without_a_value_and_says_what_it_draws()
    {
        var chart = Context.Render<ThresholdChart>(p => p
            .Add(c => c.Title, "p99")
            .Add(c => c.SeriesName, "response_time_p99 (ms)")
            .Add(c => c.Points, [new ChartPoint(ReportData.Now.AddMinutes(-2), 380), new ChartPoint(ReportData.Now.AddMinutes(-1), null), new ChartPoint(ReportData.Now, 420)])
            .Add(c => c.Threshold, 500)
            .Add(c => c.ThresholdName, "target < 500 ms")
            .Add(c => c.Unit, "ms")
            .Add(c => c.NoDataText, "never measured"));

        Assert.Equal("2 points from 02:58 to 03:00 UTC, 380 to 420 ms; target < 500 ms", chart.Find("[data-testid=chart-summary]").TextContent.Trim());
        // The series with a gap where the sample had no value (a move, not a line, through it), and the flat target line.
        var lines = chart.FindAll("path.mud-chart-line").Select(l => l.GetAttribute("d")).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(2, lines[0]!.Split('M').Length - 1);
        Assert.DoesNotContain("L", lines[0]);
        Assert.Equal(3, lines[1]!.Split('L').Length);
        Assert.Empty(chart.FindAll("[data-testid=chart-no-data]"));
    }

    [Fact]
    public void The_chart_without_any_value_says_why_instead_of_drawing()
    {
        var chart = Context.Render<ThresholdChart>(p => p
            .Add(c => c.Title, "lag")
            .Add(c => c.SeriesName, "replication_lag (ms)")
            .Add(c => c.Points, [new ChartPoint(ReportData.Now, null)])
            .Add(c => c.NoDataText, "replication_lag had no value: no replica configured"));

        Assert.Equal("replication_lag had no value: no replica configured", chart.Find("[data-testid=chart-no-data]").TextContent.Trim());
        Assert.Empty(chart.FindAll("svg"));
    }

    [Fact]
    public void The_target_table_raises_the_chosen_target()
    {
        PhaseTarget? chosen = null;
        var verdict = RoadmapEvaluator.Judge(ReportData.P1P99, KpiMeasurement.Measured(KnownKpis.ResponseTimeP99, KpiWindow.Ending(ReportData.Now, TimeSpan.FromHours(1)), 412, "ms"));
        var table = Context.Render<TargetTable>(p => p
            .Add(c => c.Targets, [verdict])
            .Add(c => c.Baselines, new Dictionary<string, KpiBaseline>())
            .Add(c => c.OnSelect, (PhaseTarget target) => chosen = target));

        table.Find("[data-testid=drill-down]").Click();

        Assert.Equal(ReportData.P1P99, chosen);
        Assert.Equal("met", table.Find("[data-testid=target]").GetAttribute("data-status"));
    }

    [Fact]
    public void Thinning_keeps_the_worst_value_of_each_stretch_and_at_most_the_points_asked()
    {
        var points = Enumerable.Range(0, 1000).Select(i => new ChartPoint(ReportData.Now.AddSeconds(15 * i), i == 503 ? 900 : 100)).ToList();

        var thinned = ChartPoints.Thin(points, values => values.Max(), maxPoints: 100);

        Assert.Equal(100, thinned.Count);
        Assert.Equal(900, thinned.Max(p => p.Value));
        Assert.Equal(1, thinned.Count(p => p.Value == 900));
        Assert.Equal(points[^1].At, thinned[^1].At);
        Assert.Equal(10, ChartPoints.GroupSize(1000, 100));
    }
}

using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Observability.Core.Roadmap;
using Observability.Dashboard.Reports;
using RoadmapPage = Observability.Dashboard.Components.Pages.Roadmap;

namespace Observability.Dashboard.Tests.Reports;

public sealed class RoadmapPageTests : MudTestContext
{
    private readonly FakeTimeProvider _time = new(ReportData.Now);

    public RoadmapPageTests()
    {
        Context.Services.AddLogging();
        Context.Services.AddSingleton<TimeProvider>(_time);
    }

    private FakeRoadmapSource Source(Func<int, string, RoadmapReport>? next = null)
    {
        var source = new FakeRoadmapSource(next ?? ((_, window) => ReportData.Verdicts(window)));
        Context.Services.AddSingleton<IRoadmapSource>(source);
        return source;
    }

    [Fact]
    public void Shows_every_phase_and_the_end_state_with_a_verdict_per_target_and_the_no_data_reason()
    {
        Source();

        var page = Context.Render<RoadmapPage>();

        var titles = page.FindAll("[data-testid=phase-title]").Select(t => t.TextContent.Trim()).ToList();
        Assert.Equal(
        [
            "Phase 1: Foundation (months 1-2): 1 of 2 targets met, 1 missed",
            "Phase 2: Horizontal Scaling (months 3-4): 0 of 2 targets met, 2 without data",
            "End state: 0 of 1 targets met, 1 without data",
        ], titles);
        var phase1 = page.Find("[data-testid=phase][data-phase='1']");
        Assert.Equal("missed", phase1.GetAttribute("data-verdict"));
        Assert.Equal(["met", "missed"], phase1.QuerySelectorAll("[data-testid=target]").Select(t => t.GetAttribute("data-status")));
        Assert.Contains("actual 412 ms, target < 500 ms", phase1.QuerySelectorAll("[data-testid=target]")[0].TextContent);
        var lag = page.Find("[data-target=p2-lag] [data-testid=target]");
        Assert.Equal("no-data", lag.GetAttribute("data-status"));
        Assert.Contains("no data: no points of 'postgresql.replication.lag' in the last hour", lag.TextContent);
        Assert.Equal("Current phase: none; no phase has every target met over the last hour.", page.Find("[data-testid=current-phase]").TextContent.Trim());
        Assert.Contains("3+ instances, database primary, cache Redis, CDN yes, about $4,500 a month", page.Find("[data-testid=infrastructure]").TextContent);
    }

    [Fact]
    public void Shows_recorded_baselines_and_load_test_evidence_and_says_where_there_is_none()
    {
        Source();

        var page = Context.Render<RoadmapPage>();

        Assert.Equal("612 ms over 2026-11-06 10:00–11:00 UTC (phase 1), recorded by alice", page.Find("[data-target=p1-p99] [data-testid=baseline]").TextContent.Trim());
        Assert.Equal("none recorded", page.Find("[data-target=p1-users] [data-testid=baseline]").TextContent.Trim());
        Assert.Equal("none recorded for database_queries_per_request: needed (phase 1) to judge this change",
            page.Find("[data-target=p2-queries] [data-testid=baseline]").TextContent.Trim());
        Assert.Equal("Load test of 1,200 users, 2026-11-20 09:00–09:30 UTC (30 min), recorded by sre-bob: ramp to 1.2K users",
            page.Find("[data-phase='1'] [data-testid=evidence]").TextContent.Trim());
        Assert.StartsWith("No load test recorded for phase 2 yet", page.Find("[data-phase='2'] [data-testid=no-evidence]").TextContent.Trim());
    }

    [Fact]
    public void Choosing_a_window_reads_the_verdicts_over_it()
    {
        var source = Source();
        var page = Context.Render<RoadmapPage>();

        page.Find("[data-testid=window-30d]").Click();

        Assert.Equal(2, source.Reads);
        Assert.Equal("Current phase: none; no phase has every target met over the last 30 days.", page.Find("[data-testid=current-phase]").TextContent.Trim());
        Assert.Contains("choose the window again to re-read", page.Find("[data-testid=read-at]").TextContent);
    }

    [Fact]
    public void Clicking_a_target_opens_its_kpi_chart_with_the_target_line_and_clicking_again_closes_it()
    {
        var source = Source();
        var page = Context.Render<RoadmapPage>();
        Assert.Empty(page.FindAll("[data-testid=drill-down-panel]"));

        page.Find("[data-target=p1-p99] [data-testid=drill-down]").Click();

        var panel = page.Find("[data-phase='1'] [data-testid=drill-down-panel]");
        Assert.Equal((KnownKpis.ResponseTimeP99, TimeSpan.FromHours(1)), Assert.Single(source.ChartReads));
        Assert.Equal("Response time p99: <500ms: response_time_p99 (p99 of server spans), last hour", panel.QuerySelector("[data-testid=chart-title]")!.TextContent.Trim());
        Assert.Equal("2 points from 02:30 to 03:00 UTC, 380 to 612 ms; target < 500 ms", panel.QuerySelector("[data-testid=chart-summary]")!.TextContent.Trim());
        Assert.Contains("target &lt; 500 ms", panel.InnerHtml);
        Assert.Equal("Hide chart", page.Find("[data-target=p1-p99] [data-testid=drill-down]").TextContent.Trim());

        page.Find("[data-target=p1-p99] [data-testid=drill-down]").Click();

        Assert.Empty(page.FindAll("[data-testid=drill-down-panel]"));
    }

    [Fact]
    public void A_kpi_never_measured_says_so_in_place_of_a_chart()
    {
        Source();
        var page = Context.Render<RoadmapPage>();

        page.Find("[data-target=p2-lag] [data-testid=drill-down]").Click();

        Assert.Equal("replication_lag was not measured between 2026-11-26 02:00:00Z and 2026-11-26 03:00:00Z.",
            page.Find("[data-testid=chart-no-data]").TextContent.Trim());
    }

    [Fact]
    public async Task Re_reads_on_each_kpi_tick_while_open_and_never_after_it_is_closed()
    {
        var source = Source((read, window) => ReportData.Verdicts(window, p99: 400 + read));
        var page = Context.Render<RoadmapPage>();
        Assert.Contains("actual 401 ms", page.Find("[data-target=p1-p99]").TextContent);

        _time.Advance(RoadmapPage.RefreshPeriod - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, source.Reads);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        page.WaitForAssertion(() => Assert.Contains("actual 402 ms", page.Find("[data-target=p1-p99]").TextContent));

        await Context.DisposeComponentsAsync();
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(2, source.Reads);
    }

    [Fact]
    public void Keeps_the_last_verdicts_and_says_why_when_a_read_fails()
    {
        Source((read, window) => read == 1 ? ReportData.Verdicts(window) : throw new InvalidOperationException("database is locked"));
        var page = Context.Render<RoadmapPage>();

        _time.Advance(RoadmapPage.RefreshPeriod);

        page.WaitForAssertion(() => Assert.Contains("could not be read (database is locked)", page.Find("[data-testid=read-error]").TextContent));
        Assert.Contains("actual 412 ms", page.Find("[data-target=p1-p99]").TextContent);
    }
}

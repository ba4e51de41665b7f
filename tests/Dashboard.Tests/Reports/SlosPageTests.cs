using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.Reports;
using SlosPage = Observability.Dashboard.Components.Pages.Slos;

namespace Observability.Dashboard.Tests.Reports;

public sealed class SlosPageTests : MudTestContext
{
    private readonly FakeTimeProvider _time = new(ReportData.Now);

    public SlosPageTests()
    {
        Context.Services.AddLogging();
        Context.Services.AddSingleton<TimeProvider>(_time);
        Context.Services.AddSingleton(Options.Create(new DashboardOptions()));
    }

    private FakeSloSource Source(Func<int, SloReport> next)
    {
        var source = new FakeSloSource(next);
        Context.Services.AddSingleton<ISloSource>(source);
        return source;
    }

    [Fact]
    public void Shows_the_objective_sli_budget_in_minutes_and_requests_and_each_burn_rate()
    {
        Source(_ => ReportData.Slos());

        var page = Context.Render<SlosPage>();

        var slo = page.Find("[data-testid=slo]");
        Assert.Equal("gateway-availability (gateway)", slo.QuerySelector("[data-testid=slo-title]")!.TextContent.Trim());
        Assert.Equal("Objective: 99.9% of server spans not in error, rolling 30d", slo.QuerySelector("[data-testid=objective]")!.TextContent.Trim());
        Assert.Equal("SLI now: 99.95%", slo.QuerySelector("[data-testid=sli]")!.TextContent.Trim());
        // 0.1% of 30 days is 43.2 minutes; half is left. 0.1% of a million requests is 1,000; 500 were bad.
        Assert.Equal("50% of the error budget left: 21.6 of 43.2 bad minutes, 500 of 1,000 bad requests (500 bad of 1,000,000 requests so far)",
            slo.QuerySelector("[data-testid=budget]")!.TextContent.Trim());
        var burnRates = page.FindAll("[data-testid=burn-rate]");
        Assert.Equal(["5m", "30m", "1h", "6h", "3d"], burnRates.Select(b => b.GetAttribute("data-window")));
        Assert.Equal(["no data (no server spans of gateway in the last 5 minutes)", "0.5×", "1×", "1.5×", "2×"], burnRates.Select(b => b.TextContent.Trim()));
    }

    [Fact]
    public void Draws_the_burn_down_of_the_budget_with_the_spent_line()
    {
        Source(_ => ReportData.Slos());

        var page = Context.Render<SlosPage>();

        Assert.Equal("Error budget remaining since 2026-10-27 03:00 UTC (rolling 30d)", page.Find("[data-testid=chart-title]").TextContent.Trim());
        Assert.Equal("3 points from 2026-11-24 03:00 to 2026-11-26 03:00 UTC, 50 to 80 %; budget spent (0%)", page.Find("[data-testid=chart-summary]").TextContent.Trim());
    }

    [Fact]
    public void Says_why_when_no_evaluation_is_stored()
    {
        Source(_ => ReportData.Slos(evaluated: false));

        var page = Context.Render<SlosPage>();

        Assert.Equal("SLI now: no evaluation in the last minute (the KPI job stores one every 15 s: is it running?)", page.Find("[data-testid=sli]").TextContent.Trim());
        Assert.StartsWith("Error budget: no evaluation in the last minute", page.Find("[data-testid=budget]").TextContent.Trim());
        Assert.StartsWith("No evaluation of the budget stored since 2026-10-27 03:00 UTC", page.Find("[data-testid=chart-no-data]").TextContent.Trim());
    }

    [Fact]
    public void Says_where_slos_are_defined_when_there_are_none()
    {
        Source(_ => new SloReport(ReportData.Now, null, []));

        var page = Context.Render<SlosPage>();

        Assert.Equal("No SLO is defined, so there is nothing to show: SLOs are read from the slos: list of the alerts file named by the setting Alerting:RulesPath, and none is set (see docs/alerting-rules.md).",
            page.Find("[data-testid=no-slos]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=slo]"));
    }

    [Fact]
    public async Task Reads_again_every_two_seconds_while_open_and_never_after_it_is_closed()
    {
        var source = Source(read => ReportData.Slos(sli: 99 + read / 100.0));
        var page = Context.Render<SlosPage>();
        Assert.Equal("SLI now: 99.01%", page.Find("[data-testid=sli]").TextContent.Trim());

        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(1, source.Reads);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        page.WaitForAssertion(() => Assert.Equal("SLI now: 99.02%", page.Find("[data-testid=sli]").TextContent.Trim()));

        await Context.DisposeComponentsAsync();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, source.Reads);
    }
}

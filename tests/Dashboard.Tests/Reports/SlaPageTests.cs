using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using Observability.Core.Sla;
using Observability.Dashboard.Reports;
using SlaPage = Observability.Dashboard.Components.Pages.Sla;

namespace Observability.Dashboard.Tests.Reports;

public sealed class SlaPageTests : MudTestContext
{
    private readonly FakeTimeProvider _time = new(ReportData.Now);

    public SlaPageTests()
    {
        Context.Services.AddLogging();
        Context.Services.AddSingleton<TimeProvider>(_time);
    }

    private FakeSlaSource Source(Func<int, string, SlaReport>? next = null)
    {
        var source = new FakeSlaSource(next ?? ((_, month) => month == "2026-11" ? ReportData.November() : ReportData.October));
        Context.Services.AddSingleton<ISlaSource>(source);
        return source;
    }

    [Fact]
    public void Shows_the_newest_month_in_words_an_executive_reads()
    {
        Source();

        var page = Context.Render<SlaPage>();

        Assert.Equal("November 2026 so far, to 2026-11-26 03:00 UTC", page.Find("[data-testid=sla-month]").TextContent.Trim());
        Assert.Equal("99.93% uptime, objective 99.95%: 31.2 of 21.6 allowed minutes used so far", page.Find("[data-testid=uptime]").TextContent.Trim());
        Assert.Equal("Error budget: spent, overspent by 44.4% of it", page.Find("[data-testid=error-budget]").TextContent.Trim());
        Assert.Equal("1,234,567 requests, error ratio 0.12%, p99 412 ms", page.Find("[data-testid=traffic]").TextContent.Trim());
        Assert.Equal("2 incidents.", page.Find("[data-testid=incidents-count]").TextContent.Trim());
        Assert.Equal(["44.5 min", "ongoing"], page.FindAll("[data-testid=incident-duration]").Select(d => d.TextContent.Trim()));
        Assert.Equal("MTTD (impact to detection): mean 2 min, median 2 min, p90 2 min (2 incidents)", page.Find("[data-testid=mttd]").TextContent.Trim());
        Assert.Equal("MTTR (detection to resolution): mean 42.5 min, median 42.5 min, p90 42.5 min (1 incident)", page.Find("[data-testid=mttr]").TextContent.Trim());
        Assert.Equal("Infrastructure cost: $4,500 a month", page.Find("[data-testid=cost-monthly]").TextContent.Trim());
        Assert.Equal("Cost per request: $0.000012", page.Find("[data-testid=cost-per-request]").TextContent.Trim());
        Assert.Equal("Cost per user: $1.50 a month", page.Find("[data-testid=cost-per-user]").TextContent.Trim());
        Assert.StartsWith("Current phase: 1 ", page.Find("[data-testid=current-phase]").TextContent.Trim());
        Assert.Equal(["met", "missed"], page.FindAll("[data-testid=phase]").Select(p => p.GetAttribute("data-verdict")));
        Assert.Contains("1 of 2 targets met", page.FindAll("[data-testid=phase]")[1].TextContent);
    }

    [Fact]
    public void Links_the_csv_of_the_month_shown_as_a_download()
    {
        Source();

        var page = Context.Render<SlaPage>();

        var link = page.Find("a[data-testid=csv]");
        Assert.Equal("/api/sla/2026-11?format=csv", link.GetAttribute("href"));
        Assert.Equal("sla-2026-11.csv", link.GetAttribute("download"));
    }

    [Fact]
    public async Task Switching_the_month_shows_its_report_and_says_why_figures_are_missing()
    {
        var source = Source();
        var page = Context.Render<SlaPage>();

        await page.InvokeAsync(() => page.FindComponent<MudSelect<string>>().Instance.ValueChanged.InvokeAsync("2026-10"));

        Assert.Equal(2, source.Reads);
        Assert.Equal("October 2026 (final)", page.Find("[data-testid=sla-month]").TextContent.Trim());
        Assert.Equal("Uptime not measured, objective 99.95% (22.3 minutes of downtime allowed): no 'probe.success' checks between 2026-10-01 and 2026-11-01 00:00Z: configure Monitoring:Probes",
            page.Find("[data-testid=uptime]").TextContent.Trim());
        Assert.Equal("Requests: none measured (no server spans between 2026-10-01 00:00:00Z and 2026-11-01 00:00:00Z)", page.Find("[data-testid=traffic]").TextContent.Trim());
        Assert.Equal("No incidents: no incidents detected between 2026-10-01 00:00:00Z and 2026-11-01 00:00:00Z.", page.Find("[data-testid=incidents-count]").TextContent.Trim());
        Assert.Equal("MTTD (impact to detection): no incidents this month", page.Find("[data-testid=mttd]").TextContent.Trim());
        Assert.Equal("Cost per request: not known (no requests measured)", page.Find("[data-testid=cost-per-request]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=incident]"));
        Assert.Equal("/api/sla/2026-10?format=csv", page.Find("a[data-testid=csv]").GetAttribute("href"));
    }

    [Fact]
    public async Task Re_reads_the_month_in_progress_every_minute_while_open_and_never_after_it_is_closed()
    {
        var source = Source((read, _) => ReportData.November(uptime: 99.9 + read / 100.0));
        var page = Context.Render<SlaPage>();
        Assert.StartsWith("99.91% uptime", page.Find("[data-testid=uptime]").TextContent.Trim());

        _time.Advance(SlaPage.RefreshPeriod);
        page.WaitForAssertion(() => Assert.StartsWith("99.92% uptime", page.Find("[data-testid=uptime]").TextContent.Trim()));

        await Context.DisposeComponentsAsync();
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(2, source.Reads);
    }

    [Fact]
    public void Prints_on_a4_without_the_app_bar_drawer_or_buttons()
    {
        Source();

        var head = Context.Render<Microsoft.AspNetCore.Components.Web.HeadOutlet>();
        var page = Context.Render<SlaPage>();

        var style = head.Find("style").TextContent;
        Assert.Contains("@media print", style);
        Assert.Contains("@page { size: A4; margin: 15mm; }", style);
        Assert.Contains(".mud-appbar, .mud-drawer", style);
        Assert.Contains("no-print", page.Find("[data-testid=controls]").ClassName);
    }
}

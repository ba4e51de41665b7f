using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.Overview;
using OverviewPage = Observability.Dashboard.Components.Pages.Overview;

namespace Observability.Dashboard.Tests.Overview;

public sealed class OverviewPageTests : MudTestContext
{
    private readonly FakeTimeProvider _time = new(OverviewData.Now);

    public OverviewPageTests()
    {
        Context.Services.AddLogging();
        Context.Services.AddSingleton<TimeProvider>(_time);
        Context.Services.AddSingleton(Options.Create(new DashboardOptions()));
    }

    private FakeOverviewSource Source(Func<int, OverviewSnapshot> next)
    {
        var source = new FakeOverviewSource(next);
        Context.Services.AddSingleton<IOverviewSource>(source);
        return source;
    }

    [Fact]
    public void Shows_the_phase_its_targets_with_their_status_and_the_no_data_reason()
    {
        Source(_ => OverviewData.Snapshot());

        var page = Context.Render<OverviewPage>();

        Assert.Equal("Phase 2: Growth (1 of 3 targets met, 1 missed, 1 without data)", page.Find("[data-testid=phase-title]").TextContent.Trim());
        var targets = page.FindAll("[data-testid=target]");
        Assert.Equal(["met", "missed", "no-data"], targets.Select(t => t.GetAttribute("data-status")));
        Assert.Contains("actual 412 ms, target < 500 ms", targets[0].TextContent);
        Assert.Contains("no data: no points for metric 'postgresql.replication.lag' in the last 5 minutes", targets[2].TextContent);
        var sparklines = page.FindAll("[data-testid=sparkline]");
        Assert.Equal(["last hour: 3 samples, 380 to 420 ms", "last hour: no data", "last hour: no data"], sparklines.Select(s => s.GetAttribute("title")));
    }

    [Fact]
    public void Shows_firing_alerts_open_incidents_and_the_figures_of_the_last_minute()
    {
        Source(_ => OverviewData.Snapshot());

        var page = Context.Render<OverviewPage>();

        Assert.Equal("Firing alerts: 1", page.Find("[data-testid=alerts] h6").TextContent.Trim());
        Assert.Equal("HighErrorRatio: gateway error ratio 7.5% over 30 s, firing since 02:58:00 UTC", page.Find("[data-testid=alert]").TextContent.Trim());
        Assert.Equal("Open incidents: 1", page.Find("[data-testid=incidents] h6").TextContent.Trim());
        Assert.Contains("HighErrorRatio on gateway (gateway, page), detected 2026-11-26 02:58 UTC, not acknowledged", page.Find("[data-testid=incident]").TextContent);
        Assert.Equal("52.3 requests/s (3,138 requests)", page.Find("[data-testid=rate]").TextContent.Trim());
        Assert.Equal("error ratio 0.1% (3 errors)", page.Find("[data-testid=errors]").TextContent.Trim());
        Assert.Equal("p99 412 ms", page.Find("[data-testid=p99]").TextContent.Trim());
    }

    [Fact]
    public void Says_plainly_when_nothing_fires_and_no_spans_arrived()
    {
        Source(_ => OverviewData.Snapshot(withAlert: false, withRed: false));

        var page = Context.Render<OverviewPage>();

        Assert.Contains("No alert is firing.", page.Find("[data-testid=alerts]").TextContent);
        Assert.Contains("No incident is open.", page.Find("[data-testid=incidents]").TextContent);
        Assert.Equal("No spans from gateway arrived in the last minute.", page.Find("[data-testid=red-no-data]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=p99]"));
    }

    [Fact]
    public async Task Reads_again_every_two_seconds_while_open_and_never_after_it_is_closed()
    {
        var source = Source(read => OverviewData.Snapshot(p99: 400 + read));
        var page = Context.Render<OverviewPage>();
        Assert.Contains("actual 401 ms", page.FindAll("[data-testid=target]")[0].TextContent);

        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(1, source.Reads);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        page.WaitForAssertion(() => Assert.Contains("actual 402 ms", page.FindAll("[data-testid=target]")[0].TextContent));
        Assert.Equal("p99 402 ms", page.Find("[data-testid=p99]").TextContent.Trim());

        await Context.DisposeComponentsAsync();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, source.Reads);
    }

    [Fact]
    public void Keeps_the_last_figures_and_says_why_when_a_read_fails()
    {
        Source(read => read == 1 ? OverviewData.Snapshot() : throw new InvalidOperationException("database is locked"));
        var page = Context.Render<OverviewPage>();

        _time.Advance(TimeSpan.FromSeconds(2));

        page.WaitForAssertion(() => Assert.Contains("could not be read (database is locked)", page.Find("[data-testid=read-error]").TextContent));
        Assert.Equal("p99 412 ms", page.Find("[data-testid=p99]").TextContent.Trim());
    }
}

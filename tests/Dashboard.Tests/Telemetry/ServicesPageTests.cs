using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.Telemetry;
using ServicesPage = Observability.Dashboard.Components.Pages.Services;

namespace Observability.Dashboard.Tests.Telemetry;

public sealed class ServicesPageTests : MudTestContext
{
    private readonly FakeTimeProvider _time = new(TelemetryData.Now);

    public ServicesPageTests()
    {
        Context.Services.AddLogging();
        Context.Services.AddSingleton<TimeProvider>(_time);
        Context.Services.AddSingleton(Options.Create(new DashboardOptions()));
    }

    private FakeServicesSource Source(Func<int, TimeSpan, string?, ServicesSnapshot> next)
    {
        var source = new FakeServicesSource(next);
        Context.Services.AddSingleton<IServicesSource>(source);
        // As in a live circuit: the page marks itself interactive, which the browser tests wait for.
        // Registering is over once the renderer is asked for.
        Context.Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        return source;
    }

    [Fact]
    public void Lists_each_service_with_rate_error_ratio_and_percentiles_over_the_last_15_minutes()
    {
        Source((_, range, service) => TelemetryData.Snapshot(range, service));

        var page = Context.Render<ServicesPage>();

        Assert.Equal(["Service", "Requests/s", "Requests", "Error ratio (errors)", "p50", "p95", "p99"],
            page.FindAll("[data-testid=services-table] th").Select(th => th.TextContent.Trim()));
        var rows = page.FindAll("[data-testid=service-row]");
        Assert.Equal(["frontend", "backend", "payments"], rows.Select(r => r.GetAttribute("data-service")));
        Assert.Equal(["frontend", "1", "900", "1.33% (12)", "103 ms", "370.8 ms", "412 ms"], rows[0].QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        // No durations known: a dash, not a zero.
        Assert.Equal(["0.044", "40", "0% (0)", "–", "–", "–"], rows[2].QuerySelectorAll("td").Skip(1).Select(td => td.TextContent.Trim()));
        Assert.Contains("Last 15 minutes", page.Find("[data-testid=read-at]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=service-detail]"));
    }

    [Fact]
    public void Selecting_a_service_shows_its_operations_and_charts()
    {
        var source = Source((_, range, service) => TelemetryData.Snapshot(range, service));
        var page = Context.Render<ServicesPage>();

        page.Find("[data-testid=service-row][data-service=backend]").Click();

        Assert.Equal((TimeSpan.FromMinutes(15), "backend"), source.Asked[^1]);
        Assert.Equal("backend", page.Find("[data-testid=detail-title]").TextContent.Trim());
        Assert.Equal(["GET /orders/{id}", "POST /orders"], page.FindAll("[data-testid=operation-name]").Select(td => td.TextContent.Trim()));
        Assert.Equal(["0.667", "600", "2% (12)", "112.5 ms", "405 ms", "450 ms"],
            page.FindAll("[data-testid=operation-row]")[0].QuerySelectorAll("td").Skip(1).Select(td => td.TextContent.Trim()));
        Assert.Equal("One point per 5 min; a gap is a step without requests.", page.Find("[data-testid=red-charts-step]").TextContent.Trim());
        Assert.Single(page.FindAll("[data-testid=chart-rate] svg"));
        Assert.Contains("selected", page.Find("[data-testid=service-row][data-service=backend]").ClassList);
    }

    [Fact]
    public void Clicking_a_node_of_the_map_selects_that_service()
    {
        var source = Source((_, range, service) => TelemetryData.Snapshot(range, service));
        var page = Context.Render<ServicesPage>();

        page.Find("[data-testid=map-node][data-service=payments]").Click();

        Assert.Equal("payments", source.Asked[^1].Service);
        Assert.Equal("payments", page.Find("[data-testid=detail-title]").TextContent.Trim());
        Assert.Contains("selected", page.Find("[data-testid=map-node][data-service=payments]").GetAttribute("class"));
    }

    [Fact]
    public void Says_why_there_is_nothing_to_show()
    {
        Source((_, range, _) => TelemetryData.Empty(range));

        var page = Context.Render<ServicesPage>();

        Assert.Equal("No server or consumer spans arrived from any service in the last 15 minutes: is anything exporting traces to the OTLP endpoints?",
            page.Find("[data-testid=no-data]").TextContent.Trim());
        Assert.Equal("No spans started in this range, so there are no services to draw.", page.Find("[data-testid=map-no-data]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=services-table]"));
    }

    [Fact]
    public async Task Reads_again_every_two_seconds_while_open_and_never_after_it_is_closed()
    {
        var source = Source((read, range, service) => TelemetryData.Snapshot(range, service, frontendP99: 400 + read));
        var page = Context.Render<ServicesPage>();
        Assert.Equal("401 ms", page.Find("[data-testid=service-row][data-service=frontend] [data-testid=service-p99]").TextContent.Trim());

        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(1, source.Reads);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        page.WaitForAssertion(() =>
            Assert.Equal("402 ms", page.Find("[data-testid=service-row][data-service=frontend] [data-testid=service-p99]").TextContent.Trim()));

        await Context.DisposeComponentsAsync();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, source.Reads);
    }

    [Fact]
    public void Keeps_the_last_figures_and_says_why_when_a_read_fails()
    {
        Source((read, range, service) => read == 1 ? TelemetryData.Snapshot(range, service) : throw new InvalidOperationException("database is locked"));
        var page = Context.Render<ServicesPage>();

        _time.Advance(TimeSpan.FromSeconds(2));

        page.WaitForAssertion(() => Assert.Contains("could not be read (database is locked)", page.Find("[data-testid=read-error]").TextContent));
        Assert.Equal(3, page.FindAll("[data-testid=service-row]").Count);
    }
}

using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Observability.Core.Telemetry;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.Telemetry;
using MetricsPage = Observability.Dashboard.Components.Pages.Metrics;

namespace Observability.Dashboard.Tests.Telemetry;

public sealed class MetricsPageTests : MudTestContext
{
    private readonly FakeTimeProvider _time = new(TelemetryData.Now);

    public MetricsPageTests()
    {
        Context.Services.AddLogging();
        Context.Services.AddSingleton<TimeProvider>(_time);
        Context.Services.AddSingleton(Options.Create(new DashboardOptions()));
    }

    private FakeMetricsSource Source(params MetricDescriptor[] metrics)
    {
        var source = new FakeMetricsSource(metrics);
        Context.Services.AddSingleton<IMetricsSource>(source);
        // As in a live circuit: the page marks itself interactive, which the browser tests wait for.
        // Registering is over once the renderer is asked for.
        Context.Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        return source;
    }

    /// <summary>The input of a MudTextField, which carries the field's data-testid.</summary>
    private static AngleSharp.Dom.IElement Input(IRenderedComponent<MetricsPage> page, string testId) => page.Find($"input[data-testid={testId}]");

    private static AngleSharp.Dom.IElement AggregationInput(IRenderedComponent<MetricsPage> page) => Input(page, "aggregation");

    [Fact]
    public void Lists_metric_names_with_type_unit_and_description_and_filters_them()
    {
        Source(TelemetryData.Histogram, TelemetryData.Counter);

        var page = Context.Render<MetricsPage>();

        var rows = page.FindAll("[data-testid=metric-row]");
        Assert.Equal(["http.server.request.duration", "orders.placed"], rows.Select(r => r.GetAttribute("data-metric")));
        Assert.Equal(["orders.placed", "sum", "{order}", "Orders placed"], rows[1].QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        Assert.Equal("Choose a metric to see its label sets and chart it.", page.Find("[data-testid=choose-metric]").TextContent.Trim());

        Input(page, "metric-filter").Input("ORDERS");

        Assert.Equal(["orders.placed"], page.FindAll("[data-testid=metric-row]").Select(r => r.GetAttribute("data-metric")));
    }

    [Fact]
    public void Selecting_a_counter_lists_its_label_sets_and_charts_its_rate_grouped_by_a_label()
    {
        var source = Source(TelemetryData.Histogram, TelemetryData.Counter);
        var page = Context.Render<MetricsPage>();

        page.Find("[data-testid=metric-row][data-metric='orders.placed']").Click();

        Assert.Equal("orders.placed (sum, {order})", page.Find("[data-testid=metric-title]").TextContent.Trim());
        Assert.Equal(["{region=\"eu\", service.name=\"frontend\"}", "{region=\"us\", service.name=\"frontend\"}"],
            page.FindAll("[data-testid=label-set]").Select(li => li.TextContent.Trim()));
        Assert.Equal("rate", AggregationInput(page).GetAttribute("value"));
        Assert.Equal(["", "(all)", "region", "service.name"], page.FindAll("[data-testid=group-by] option").Select(o => o.GetAttribute("value")));

        page.Find("[data-testid=group-by]").Change("region");
        page.Find("[data-testid=run-query]").Click();

        Assert.Equal(("orders.placed", "rate"), (source.Asked[^1].Metric, source.Asked[^1].Aggregation));
        Assert.Equal(["region"], source.Asked[^1].By!);
        Assert.Equal("rate of orders.placed per 5 s over the last 15 minutes, by region (per second).", page.Find("[data-testid=query-caption]").TextContent.Trim());
        Assert.Equal(["all series: rate latest 11"], page.FindAll("[data-testid=metric-series]").Select(li => li.TextContent.Trim()));
        Assert.Single(page.FindAll("[data-testid=metric-chart] svg"));
    }

    [Fact]
    public void A_bad_aggregation_gets_a_message_that_says_what_to_write()
    {
        var source = Source(TelemetryData.Counter);
        var page = Context.Render<MetricsPage>();
        page.Find("[data-testid=metric-row]").Click();

        AggregationInput(page).Change("p101");
        page.Find("[data-testid=run-query]").Click();

        Assert.Equal("Aggregation: agg 'p101' is not an aggregation; use sum, avg, max, rate, or a quantile such as p50, p95, p99.9",
            page.Find("[data-testid=query-error]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=metric-chart]"));
        Assert.Equal(0, source.Queries);
    }

    [Fact]
    public void Says_plainly_when_no_metric_has_been_received()
    {
        Source();

        var page = Context.Render<MetricsPage>();

        Assert.Equal("No metric points have been received yet: is anything exporting metrics to the OTLP endpoints?", page.Find("[data-testid=no-data]").TextContent.Trim());
    }

    [Fact]
    public async Task Charts_again_every_two_seconds_while_open_and_never_after_it_is_closed()
    {
        var source = Source(TelemetryData.Counter);
        var page = Context.Render<MetricsPage>();
        page.Find("[data-testid=metric-row]").Click();
        page.Find("[data-testid=run-query]").Click();
        Assert.Equal("region=eu, service.name=frontend: rate latest 11", page.Find("[data-testid=metric-series]").TextContent.Trim());

        _time.Advance(TimeSpan.FromSeconds(2));
        page.WaitForAssertion(() => Assert.Equal("region=eu, service.name=frontend: rate latest 12", page.Find("[data-testid=metric-series]").TextContent.Trim()));

        await Context.DisposeComponentsAsync();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, source.Queries);
    }
}

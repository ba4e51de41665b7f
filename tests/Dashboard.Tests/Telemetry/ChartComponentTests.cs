using Bunit;
using Observability.Core.Metrics;
using Observability.Core.Telemetry;
using Observability.Dashboard.Components.Telemetry;

namespace Observability.Dashboard.Tests.Telemetry;

public sealed class ChartComponentTests : MudTestContext
{
    [Fact]
    public void A_metric_chart_draws_at_most_20_lines_and_says_how_many_it_left_out()
    {
        var answer = TelemetryData.Answer("orders.placed", MetricAggregation.Parse("sum"), null, TimeSpan.FromMinutes(15), last: 7);
        var many = Enumerable.Range(0, 22).Select(i => new MetricSeriesValues(
            new SortedDictionary<string, string>(StringComparer.Ordinal) { ["pod"] = $"p{i:00}" },
            [.. answer.Result.Series[0].Values.Select(v => v + i)])).ToList();
        answer = answer with { Result = answer.Result with { Series = many } };

        var chart = Context.Render<MetricChart>(parameters => parameters.Add(p => p.Answer, answer));

        var legend = chart.FindAll("[data-testid=metric-series]").Select(li => li.TextContent.Trim()).ToList();
        Assert.Equal(21, legend.Count);
        Assert.Equal("pod=p00: sum latest 7", legend[0]);
        Assert.Equal("pod=p19: sum latest 26", legend[19]);
        Assert.Equal("2 more series not drawn: group by a label to see fewer lines.", legend[20]);
    }

    [Fact]
    public void A_series_without_any_value_says_so_rather_than_showing_zero()
    {
        var answer = TelemetryData.Answer("orders.placed", MetricAggregation.Parse("sum"), null, TimeSpan.FromMinutes(15), last: 7);
        var empty = new MetricSeriesValues(answer.Result.Series[0].Labels, new double?[answer.Request.StepCount]);
        answer = answer with { Result = new MetricQueryResult(MetricType.Sum, [empty], [], null) };

        var chart = Context.Render<MetricChart>(parameters => parameters.Add(p => p.Answer, answer));

        Assert.Equal("region=eu, service.name=frontend: sum latest no value", chart.Find("[data-testid=metric-series]").TextContent.Trim());
    }

    [Fact]
    public void Red_charts_draw_rate_errors_and_three_percentiles_per_step()
    {
        var detail = TelemetryData.Detail("backend", TimeSpan.FromMinutes(15));

        var charts = Context.Render<RedCharts>(parameters => parameters.Add(p => p.Series, detail.Series).Add(p => p.Step, detail.Step));

        Assert.Equal("One point per 5 min; a gap is a step without requests.", charts.Find("[data-testid=red-charts-step]").TextContent.Trim());
        Assert.Single(charts.FindAll("[data-testid=chart-rate] svg"));
        Assert.Single(charts.FindAll("[data-testid=chart-errors] svg"));
        Assert.Contains("p99", charts.Find("[data-testid=chart-duration]").TextContent);
    }
}

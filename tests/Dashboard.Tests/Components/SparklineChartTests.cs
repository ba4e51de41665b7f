using Bunit;
using Observability.Dashboard.Components.Shared;

namespace Observability.Dashboard.Tests.Components;

public sealed class SparklineChartTests : MudTestContext
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Draws_the_samples_with_values_and_the_target_as_a_dashed_line_leaving_gaps_out()
    {
        (DateTimeOffset, double?)[] samples = [(Start, 400), (Start.AddMinutes(1), null), (Start.AddMinutes(2), 450), (Start.AddMinutes(3), 600)];

        var chart = Context.Render<SparklineChart>(p => p.Add(c => c.Samples, samples).Add(c => c.Threshold, 500).Add(c => c.Unit, "ms"));

        var points = chart.Find("polyline").GetAttribute("points")!.Split(' ');
        Assert.Equal(3, points.Length);
        // Time runs left to right; the highest value is at the top.
        Assert.Equal(["0", "80", "120"], points.Select(p => p.Split(',')[0]));
        Assert.Equal("1", points[2].Split(',')[1]);
        var threshold = double.Parse(chart.Find("line.threshold").GetAttribute("y1")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(threshold, 1, 23);
        Assert.Equal("last hour: 3 samples, 400 to 600 ms", chart.Find("[data-testid=sparkline]").GetAttribute("title"));
    }

    [Fact]
    public void Without_values_says_no_data_instead_of_drawing_a_flat_line()
    {
        (DateTimeOffset, double?)[] samples = [(Start, null), (Start.AddMinutes(1), null)];

        var chart = Context.Render<SparklineChart>(p => p.Add(c => c.Samples, samples).Add(c => c.Threshold, 500));

        Assert.Empty(chart.FindAll("svg"));
        Assert.Equal("last hour: no data", chart.Find(".sparkline-empty").TextContent);
    }
}

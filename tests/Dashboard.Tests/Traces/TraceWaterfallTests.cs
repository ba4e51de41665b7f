using Bunit;
using Observability.Dashboard.Components.Traces;
using Observability.Dashboard.Traces;

namespace Observability.Dashboard.Tests.Traces;

public sealed class TraceWaterfallTests : MudTestContext
{
    private IRenderedComponent<TraceWaterfall> Render(TraceTree tree, Action<WaterfallRow>? onSelect = null) =>
        Context.Render<TraceWaterfall>(p => p
            .Add(c => c.Tree, tree)
            .Add(c => c.OnSelect, row => onSelect?.Invoke(row)));

    [Fact]
    public void Each_span_is_a_bar_placed_by_start_and_sized_by_duration_with_its_service_name_and_duration_as_text()
    {
        var waterfall = Render(TraceTree.Build(TraceData.ThreeSpanTrace()));

        var rows = waterfall.FindAll("[data-testid=span-row]");
        Assert.Equal(3, rows.Count);
        var charge = rows[1];
        Assert.Equal("payments", charge.QuerySelector("[data-testid=span-service]")!.TextContent);
        Assert.Equal("charge card", charge.QuerySelector("[data-testid=span-name]")!.TextContent);
        Assert.Equal("30 ms", charge.QuerySelector("[data-testid=span-duration]")!.TextContent);
        Assert.Equal("error", charge.QuerySelector("[data-testid=error-mark]")!.TextContent);
        var bar = charge.QuerySelector("[data-testid=span-bar]")!;
        Assert.Contains("left: 10%; width: 30%", bar.GetAttribute("style"));
        Assert.Contains("left: 50%; width: 40%", rows[2].QuerySelector("[data-testid=span-bar]")!.GetAttribute("style"));
        Assert.Contains("left: 0%; width: 100%", rows[0].QuerySelector("[data-testid=span-bar]")!.GetAttribute("style"));
        Assert.Null(rows[0].QuerySelector("[data-testid=error-mark]"));
        // Services get different colours; children are indented under their parent.
        var colours = rows.Select(r => r.QuerySelector(".swatch")!.GetAttribute("style")).ToList();
        Assert.Equal(3, colours.Distinct().Count());
        Assert.Equal(["0", "1", "1"], rows.Select(r => r.GetAttribute("data-depth")));
        Assert.Equal(["0", "25 ms", "50 ms", "75 ms", "100 ms"], waterfall.FindAll("[data-testid=tick]").Select(t => t.TextContent));
    }

    [Fact]
    public void Collapsing_the_root_hides_its_children_and_expanding_shows_them_again()
    {
        var waterfall = Render(TraceTree.Build(TraceData.ThreeSpanTrace()));

        waterfall.Find("[data-testid=toggle]").Click();

        Assert.Single(waterfall.FindAll("[data-testid=span-row]"));
        Assert.Contains("(2 hidden)", waterfall.Find("[data-testid=span-row]").TextContent);
        Assert.Equal("false", waterfall.Find("[data-testid=toggle]").GetAttribute("aria-expanded"));

        waterfall.Find("[data-testid=toggle]").Click();

        Assert.Equal(3, waterfall.FindAll("[data-testid=span-row]").Count);
    }

    [Fact]
    public void Clicking_a_span_or_pressing_enter_on_it_selects_it()
    {
        WaterfallRow? selected = null;
        var waterfall = Render(TraceTree.Build(TraceData.ThreeSpanTrace()), row => selected = row);

        waterfall.FindAll("[data-testid=span-row]")[2].Click();

        Assert.Equal(TraceData.ReserveId, selected?.SpanId);

        waterfall.FindAll("[data-testid=span-row]")[1].KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        Assert.Equal(TraceData.ChargeId, selected?.SpanId);
    }

    [Fact]
    public void A_span_named_like_a_script_shows_as_that_text_and_adds_no_script_element()
    {
        const string name = "<script>alert(1)</script>";
        var waterfall = Render(TraceTree.Build(TraceData.ThreeSpanTrace(chargeName: name)));

        Assert.Equal(name, waterfall.FindAll("[data-testid=span-name]")[1].TextContent);
        Assert.Empty(waterfall.FindAll("script"));
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", waterfall.Markup);
    }

    [Fact]
    public void A_trace_of_2000_spans_renders_only_the_rows_in_view()
    {
        var tree = TraceTree.Build(TraceData.LargeTrace(2_000));

        var waterfall = Render(tree);

        var rows = waterfall.FindAll("[data-testid=span-row]");
        Assert.NotEmpty(rows);
        Assert.True(rows.Count < 200, $"{rows.Count} rows rendered of 2,000");
        Assert.Equal("operation 0", rows[0].QuerySelector("[data-testid=span-name]")!.TextContent);
        Assert.Contains("scrolling", waterfall.Find("[data-testid=rows]").ClassName);
    }
}

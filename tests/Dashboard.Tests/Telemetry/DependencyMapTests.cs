using Bunit;
using Observability.Dashboard.Components.Telemetry;

namespace Observability.Dashboard.Tests.Telemetry;

public sealed class DependencyMapTests : MudTestContext
{
    [Fact]
    public void Three_services_and_two_calls_draw_three_nodes_and_two_labelled_arrows_in_call_depth_order()
    {
        var map = Context.Render<DependencyMap>(parameters => parameters.Add(p => p.Graph, TelemetryData.Graph()));

        var nodes = map.FindAll("[data-testid=map-node]");
        Assert.Equal(["frontend", "backend", "payments"], nodes.Select(n => n.GetAttribute("data-service")));
        // One column per call depth, left to right.
        var x = nodes.Select(n => double.Parse(n.QuerySelector("rect")!.GetAttribute("x")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(x[0] < x[1] && x[1] < x[2], $"columns at {string.Join(", ", x)}");
        var edges = map.FindAll("[data-testid=map-edge]");
        Assert.Equal([("backend", "payments"), ("frontend", "backend")], edges.Select(e => (e.GetAttribute("data-caller"), e.GetAttribute("data-callee"))));
        Assert.Equal(["40 calls, 0 errors", "900 calls, 12 errors"], map.FindAll("[data-testid=map-edge-label]").Select(l => l.TextContent));
        Assert.All(edges, edge => Assert.Equal("url(#dependency-arrow)", edge.QuerySelector("line")!.GetAttribute("marker-end")));
        Assert.Contains("failing", edges[1].GetAttribute("class"));
        Assert.Equal("From every trace in the range: 120 traces, 2,400 spans.", map.Find("[data-testid=map-coverage]").TextContent.Trim());
    }

    [Fact]
    public void Clicking_a_node_selects_its_service()
    {
        string? selected = null;
        var map = Context.Render<DependencyMap>(parameters => parameters
            .Add(p => p.Graph, TelemetryData.Graph())
            .Add(p => p.OnSelect, service => selected = service));

        map.Find("[data-testid=map-node][data-service=backend]").Click();

        Assert.Equal("backend", selected);
    }

    [Fact]
    public void Says_when_the_graph_is_a_sample()
    {
        var map = Context.Render<DependencyMap>(parameters => parameters.Add(p => p.Graph, TelemetryData.Graph("Sampled: the 200 most recent traces of frontend.")));

        Assert.Equal("Sampled: the 200 most recent traces of frontend. Read 120 traces (2,400 spans), so counts cover those traces only.",
            map.Find("[data-testid=map-coverage]").TextContent.Trim());
    }

    [Fact]
    public void A_service_name_with_markup_is_shown_as_text()
    {
        var graph = TelemetryData.Graph() with { Services = ["<script>alert(1)</script>"], Edges = [] };

        var map = Context.Render<DependencyMap>(parameters => parameters.Add(p => p.Graph, graph));

        Assert.Empty(map.FindAll("script"));
        Assert.Equal("<script>alert(1)</script>", map.Find("[data-testid=map-node]").GetAttribute("data-service"));
    }
}

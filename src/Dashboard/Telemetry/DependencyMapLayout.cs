using System.Globalization;
using Observability.Core.Query;

namespace Observability.Dashboard.Telemetry;

/// <summary>A service's box on the map: its top-left corner in SVG user units.</summary>
public sealed record MapNode(string Service, double X, double Y, int Depth);

/// <summary>An arrow from caller to callee: start and end points, and where its label sits.</summary>
public sealed record MapEdge(DependencyEdge Edge, double X1, double Y1, double X2, double Y2)
{
    public double LabelX => (X1 + X2) / 2;

    public double LabelY => (Y1 + Y2) / 2 - 6;

    /// <summary>"12 calls, 1 error".</summary>
    public string Label => string.Create(CultureInfo.InvariantCulture,
        $"{Edge.Calls:N0} call{(Edge.Calls == 1 ? "" : "s")}, {Edge.Errors:N0} error{(Edge.Errors == 1 ? "" : "s")}");
}

/// <summary>
/// A layered layout: one column per call depth (services nothing calls on the left), services in a column in name
/// order. Enough for the tens of services a system has; no crossing minimisation.
/// </summary>
public sealed record DependencyMapLayout(IReadOnlyList<MapNode> Nodes, IReadOnlyList<MapEdge> Edges, double Width, double Height)
{
    public const double NodeWidth = 160;
    public const double NodeHeight = 40;
    private const double ColumnGap = 140;
    private const double RowGap = 40;
    private const double Margin = 10;

    public static DependencyMapLayout Of(DependencyGraph graph)
    {
        var depths = graph.Depths();
        var nodes = new List<MapNode>();
        foreach (var column in graph.Services.GroupBy(service => depths[service]).OrderBy(group => group.Key))
        {
            var row = 0;
            foreach (var service in column.Order(StringComparer.Ordinal))
            {
                nodes.Add(new MapNode(service, Margin + column.Key * (NodeWidth + ColumnGap), Margin + row * (NodeHeight + RowGap), column.Key));
                row++;
            }
        }
        var byService = nodes.ToDictionary(node => node.Service, StringComparer.Ordinal);
        var edges = new List<MapEdge>();
        foreach (var edge in graph.Edges)
        {
            if (!byService.TryGetValue(edge.Caller, out var caller) || !byService.TryGetValue(edge.Callee, out var callee))
            {
                continue;
            }
            var forward = callee.X > caller.X;
            edges.Add(new MapEdge(
                edge,
                forward ? caller.X + NodeWidth : caller.X + NodeWidth / 2,
                forward ? caller.Y + NodeHeight / 2 : caller.Y + NodeHeight,
                forward ? callee.X : callee.X + NodeWidth / 2,
                forward ? callee.Y + NodeHeight / 2 : callee.Y));
        }
        var width = nodes.Count == 0 ? 0 : nodes.Max(node => node.X) + NodeWidth + Margin;
        var height = nodes.Count == 0 ? 0 : nodes.Max(node => node.Y) + NodeHeight + Margin;
        return new DependencyMapLayout(nodes, edges, width, height);
    }
}

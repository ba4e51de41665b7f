using System.Globalization;
using Microsoft.AspNetCore.Components;
using Observability.Core.Query;
using Observability.Dashboard.Telemetry;

namespace Observability.Dashboard.Components.Telemetry;

/// <summary>Services as boxes in columns by call depth, calls as labelled arrows; clicking a box selects that service.</summary>
public sealed partial class DependencyMap
{
    private const int MaxNameLength = 22;

    [Parameter, EditorRequired]
    public required DependencyGraph Graph { get; set; }

    [Parameter]
    public string? Selected { get; set; }

    [Parameter]
    public EventCallback<string> OnSelect { get; set; }

    private DependencyMapLayout Layout { get; set; } = new([], [], 0, 0);

    private string Coverage => Graph.Sampled is { } sampled
        ? $"{sampled} Read {Graph.TracesRead:N0} traces ({Graph.SpansRead:N0} spans), so counts cover those traces only."
        : $"From every trace in the range: {Graph.TracesRead:N0} traces, {Graph.SpansRead:N0} spans.";

    protected override void OnParametersSet() => Layout = DependencyMapLayout.Of(Graph);

    private Task SelectAsync(string service) => OnSelect.InvokeAsync(service);

    private string NodeClass(MapNode node) => node.Service == Selected ? "node selected" : "node";

    private static string EdgeClass(MapEdge edge) => edge.Edge.Errors > 0 ? "edge failing" : "edge";

    private static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Shorten(string service) => service.Length <= MaxNameLength ? service : service[..(MaxNameLength - 1)] + "…";
}

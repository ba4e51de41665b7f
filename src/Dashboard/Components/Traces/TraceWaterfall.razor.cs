using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Observability.Dashboard.Traces;

namespace Observability.Dashboard.Components.Traces;

/// <summary>
/// A trace's spans as a tree (indented by depth, a parent collapsible) beside a bar per span on the trace's time axis,
/// coloured by service, errors marked. Clicking a span selects it.
/// </summary>
public sealed partial class TraceWaterfall
{
    /// <summary>Above this many rows only those in view are rendered.</summary>
    public const int VirtualizeAbove = 300;

    private const int RowHeightPixels = 26;
    private const int IndentPixels = 14;

    // Deeper than this the names would be pushed off the column: the depth stays visible in the tree order instead.
    private const int MaxIndentDepth = 20;

    private readonly HashSet<string> _collapsed = new(StringComparer.Ordinal);
    private TraceTree? _treeShown;

    [Parameter, EditorRequired]
    public required TraceTree Tree { get; set; }

    [Parameter]
    public string? SelectedSpanId { get; set; }

    [Parameter]
    public EventCallback<WaterfallRow> OnSelect { get; set; }

    private IReadOnlySet<string> Collapsed => _collapsed;

    // A list: Virtualize takes an ICollection.
    private List<WaterfallRow> VisibleRows { get; set; } = [];

    private IReadOnlyList<(double Percent, string Label)> Ticks { get; set; } = [];

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(Tree, _treeShown))
        {
            _treeShown = Tree;
            // Read again with late spans, the trace keeps what the user collapsed; another trace has none of these ids.
            _collapsed.IntersectWith(Tree.Rows.Select(row => row.SpanId));
            VisibleRows = [.. Tree.Visible(_collapsed)];
            Ticks = [.. Enumerable.Range(0, 5).Select(i => (i * 25.0, i == 0 ? "0" : DurationText.Format(Tree.DurationNanos * i / 4)))];
        }
    }

    private void Toggle(WaterfallRow row)
    {
        if (!_collapsed.Remove(row.SpanId))
        {
            _collapsed.Add(row.SpanId);
        }
        VisibleRows = [.. Tree.Visible(_collapsed)];
    }

    private Task SelectAsync(WaterfallRow row) => OnSelect.InvokeAsync(row);

    /// <summary>Keyboard users select a focused row with Enter or Space, as a button.</summary>
    private Task OnKeyAsync(KeyboardEventArgs e, WaterfallRow row) =>
        e.Key is "Enter" or " " ? SelectAsync(row) : Task.CompletedTask;

    private static int Indent(int depth) => Math.Min(depth, MaxIndentDepth) * IndentPixels;

    private static string Css(double percent) => percent.ToString("0.###", CultureInfo.InvariantCulture);
}

using Observability.Core.Telemetry;
using Observability.Dashboard.Traces;

namespace Observability.Dashboard.Tests.Traces;

public sealed class TraceTreeTests
{
    [Fact]
    public void A_child_10_ms_into_a_100_ms_root_for_30_ms_is_at_10_percent_with_30_percent_width()
    {
        var tree = TraceTree.Build(TraceData.ThreeSpanTrace());

        Assert.Equal(100 * TraceData.NanosPerMillisecond, tree.DurationNanos);
        Assert.Equal([TraceData.RootId, TraceData.ChargeId, TraceData.ReserveId], tree.Rows.Select(r => r.SpanId));
        Assert.Equal([0, 1, 1], tree.Rows.Select(r => r.Depth));
        Assert.Equal([0.0, 10.0, 50.0], tree.Rows.Select(r => r.OffsetPercent));
        Assert.Equal([100.0, 30.0, 40.0], tree.Rows.Select(r => r.WidthPercent));
        Assert.Equal(["frontend", "payments", "inventory"], tree.Services);
    }

    [Fact]
    public void A_span_whose_parent_is_not_stored_starts_its_own_tree_and_says_so()
    {
        var spans = TraceData.ThreeSpanTrace().Where(s => TraceIds.ToHex(s.SpanId) != TraceData.RootId).ToList();

        var tree = TraceTree.Build(spans);

        Assert.Equal([0, 0], tree.Rows.Select(r => r.Depth));
        Assert.All(tree.Rows, r => Assert.True(r.ParentMissing));
        Assert.Equal(0.0, tree.Rows[0].OffsetPercent);
    }

    [Fact]
    public void Collapsing_a_span_hides_its_descendants_only()
    {
        var tree = TraceTree.Build(TraceData.LargeTrace(120));

        var visible = tree.Visible(new HashSet<string> { (50 + 1).ToString("x16") });

        // The section at span 50 keeps its row; its 49 children go; the other sections stay.
        Assert.Equal(120 - 49, visible.Count);
        Assert.Contains(visible, r => r.SpanId == (100 + 1).ToString("x16"));
        Assert.DoesNotContain(visible, r => r.SpanId == (51 + 1).ToString("x16"));
    }

    [Fact]
    public void A_trace_thousands_of_spans_deep_builds_without_overflowing()
    {
        var spans = Enumerable.Range(0, 5_000)
            .Select(i => TraceData.Span(TraceData.TraceId, (i + 1).ToString("x16"), i == 0 ? null : i.ToString("x16"), "deep", $"level {i}", i * 0.01, 1))
            .ToList();

        var tree = TraceTree.Build(spans);

        Assert.Equal(5_000, tree.Rows.Count);
        Assert.Equal(4_999, tree.Rows[^1].Depth);
    }
}

using Observability.Core.Telemetry;

namespace Observability.Dashboard.Traces;

/// <summary>
/// A span placed on the trace's waterfall: its depth in the tree, and its bar as percentages of the trace's time
/// (<see cref="OffsetPercent"/> from the trace's start, <see cref="WidthPercent"/> of its duration).
/// </summary>
public sealed record WaterfallRow(
    SpanRecord Span, string SpanId, int Depth, int ChildCount, double OffsetPercent, double WidthPercent, int ServiceIndex, bool ParentMissing);

/// <summary>The spans of one trace as a tree in display order: each parent before its children, siblings by start time.</summary>
public sealed class TraceTree
{
    private TraceTree(string traceId, long startUnixNanos, long durationNanos, IReadOnlyList<string> services, IReadOnlyList<WaterfallRow> rows)
    {
        TraceId = traceId;
        StartUnixNanos = startUnixNanos;
        DurationNanos = durationNanos;
        Services = services;
        Rows = rows;
    }

    public string TraceId { get; }
    public long StartUnixNanos { get; }
    public long DurationNanos { get; }

    /// <summary>Services in the order their first span appears; a service's colour is its index here.</summary>
    public IReadOnlyList<string> Services { get; }

    public IReadOnlyList<WaterfallRow> Rows { get; }

    public static TraceTree Build(IReadOnlyList<SpanRecord> spans)
    {
        ArgumentOutOfRangeException.ThrowIfZero(spans.Count);
        var start = spans.Min(s => s.StartUnixNanos);
        var duration = Math.Max(0, spans.Max(s => s.EndUnixNanos) - start);
        var byId = new Dictionary<string, SpanRecord>(StringComparer.Ordinal);
        foreach (var span in spans)
        {
            byId.TryAdd(TraceIds.ToHex(span.SpanId), span);
        }
        var children = new Dictionary<string, List<SpanRecord>>(StringComparer.Ordinal);
        var roots = new List<SpanRecord>();
        foreach (var span in byId.Values)
        {
            var parent = span.ParentSpanId.Length > 0 ? TraceIds.ToHex(span.ParentSpanId) : null;
            if (parent is not null && byId.ContainsKey(parent))
            {
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(span);
            }
            else
            {
                // A span whose parent is not stored (not sampled, not yet arrived) starts a tree of its own.
                roots.Add(span);
            }
        }
        var services = new List<string>();
        var serviceIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var rows = new List<WaterfallRow>(byId.Count);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<(SpanRecord Span, int Depth)>();

        void Walk(IEnumerable<SpanRecord> tops)
        {
            foreach (var top in tops.OrderByDescending(s => s.StartUnixNanos))
            {
                stack.Push((top, 0));
            }
            // Iterative: a trace thousands of spans deep must not overflow the stack.
            while (stack.TryPop(out var next))
            {
                var id = TraceIds.ToHex(next.Span.SpanId);
                if (!placed.Add(id))
                {
                    continue;
                }
                var service = next.Span.Resource.ServiceName;
                if (!serviceIndex.TryGetValue(service, out var index))
                {
                    index = serviceIndex[service] = services.Count;
                    services.Add(service);
                }
                var kids = children.TryGetValue(id, out var list) ? list : [];
                rows.Add(new WaterfallRow(
                    next.Span, id, next.Depth, kids.Count,
                    Percent(next.Span.StartUnixNanos - start, duration), Percent(Math.Max(0, next.Span.DurationNanos), duration),
                    index, next.Span.ParentSpanId.Length > 0 && !byId.ContainsKey(TraceIds.ToHex(next.Span.ParentSpanId))));
                foreach (var kid in kids.OrderByDescending(s => s.StartUnixNanos))
                {
                    stack.Push((kid, next.Depth + 1));
                }
            }
        }

        Walk(roots);
        // Spans that are each other's ancestors (a broken producer) reach no root: show them rather than lose them.
        Walk(byId.Where(pair => !placed.Contains(pair.Key)).Select(pair => pair.Value).ToList());
        return new TraceTree(TraceIds.ToHex(spans[0].TraceId), start, duration, services, rows);
    }

    /// <summary>The rows left when the spans in <paramref name="collapsed"/> hide their descendants.</summary>
    public IReadOnlyList<WaterfallRow> Visible(IReadOnlySet<string> collapsed)
    {
        if (collapsed.Count == 0)
        {
            return Rows;
        }
        var visible = new List<WaterfallRow>(Rows.Count);
        var hideDeeperThan = int.MaxValue;
        foreach (var row in Rows)
        {
            if (row.Depth > hideDeeperThan)
            {
                continue;
            }
            hideDeeperThan = collapsed.Contains(row.SpanId) ? row.Depth : int.MaxValue;
            visible.Add(row);
        }
        return visible;
    }

    public WaterfallRow? Find(string spanId) => Rows.FirstOrDefault(r => r.SpanId == spanId);

    // Multiplied before dividing: 10 ms of 100 ms is exactly 10, where 0.1 * 100 would not be.
    private static double Percent(long part, long whole) => whole <= 0 ? 0 : Math.Clamp(part * 100.0 / whole, 0, 100);
}

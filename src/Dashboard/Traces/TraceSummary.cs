using Observability.Core.Telemetry;

namespace Observability.Dashboard.Traces;

/// <summary>One trace in a search's results: its root, when it started, how long it took, who took part and whether anything failed.</summary>
public sealed record TraceSummary(
    string TraceId,
    string RootService,
    string RootName,
    bool HasRoot,
    long StartUnixNanos,
    long DurationNanos,
    int SpanCount,
    int ErrorCount,
    IReadOnlyList<ServiceSpanCount> Services)
{
    /// <summary>
    /// The trace's summary. The root is the span without a parent; when the root has not arrived (or was not
    /// sampled), the earliest span stands in and <see cref="HasRoot"/> says so.
    /// </summary>
    public static TraceSummary Of(IReadOnlyList<SpanRecord> spans)
    {
        ArgumentOutOfRangeException.ThrowIfZero(spans.Count);
        var start = spans.Min(s => s.StartUnixNanos);
        var end = spans.Max(s => s.EndUnixNanos);
        var root = spans.Where(s => s.ParentSpanId.Length == 0).MinBy(s => s.StartUnixNanos);
        var shown = root ?? spans.MinBy(s => s.StartUnixNanos)!;
        var services = spans.GroupBy(s => s.Resource.ServiceName, StringComparer.Ordinal)
            .Select(g => new ServiceSpanCount(g.Key, g.Count()))
            .OrderByDescending(s => s.SpanCount).ThenBy(s => s.Service, StringComparer.Ordinal)
            .ToList();
        return new TraceSummary(
            TraceIds.ToHex(spans[0].TraceId), shown.Resource.ServiceName, shown.Name, root is not null, start, Math.Max(0, end - start),
            spans.Count, spans.Count(s => s.StatusCode == SpanStatusCode.Error), services);
    }
}

/// <summary>How many spans of a trace one service produced.</summary>
public sealed record ServiceSpanCount(string Service, int SpanCount);

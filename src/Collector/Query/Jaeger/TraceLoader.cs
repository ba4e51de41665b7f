using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Collector.Query.Jaeger;

/// <summary>
/// Whole traces from the store, as the Jaeger API and the Dashboard's Traces pages read them: a search's matching traces
/// newest first, or traces by id, each span once.
/// </summary>
public static class TraceLoader
{
    /// <summary>The traces with a span matching <paramref name="search"/>, most recent match first.</summary>
    public static async Task<IReadOnlyList<IReadOnlyList<SpanRecord>>> SearchAsync(ITelemetryReader reader, TraceSearch search, CancellationToken cancellationToken)
    {
        var traceIds = await reader.FindTraceIdsAsync(search, cancellationToken);
        return await LoadAsync(reader, traceIds, cancellationToken);
    }

    /// <summary>The stored traces among <paramref name="traceIds"/>, in that order; an id with no stored span is left out.</summary>
    public static async Task<IReadOnlyList<IReadOnlyList<SpanRecord>>> LoadAsync(ITelemetryReader reader, IReadOnlyList<byte[]> traceIds, CancellationToken cancellationToken)
    {
        if (traceIds.Count == 0)
        {
            return [];
        }
        var spans = await reader.GetTracesAsync(traceIds, cancellationToken);
        var byTrace = spans.GroupBy(span => TraceIds.ToHex(span.TraceId)).ToDictionary(group => group.Key, group => group.ToList(), StringComparer.Ordinal);
        var traces = new List<IReadOnlyList<SpanRecord>>();
        foreach (var id in traceIds.Select(id => TraceIds.ToHex(id)).Distinct())
        {
            if (byTrace.TryGetValue(id, out var traceSpans))
            {
                // An export retried after a lost acknowledgement stores its spans twice: show each span once.
                traces.Add(traceSpans.DistinctBy(span => Convert.ToHexString(span.SpanId)).ToList());
            }
        }
        return traces;
    }
}

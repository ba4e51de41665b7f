using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Core.Query;

/// <summary>Limits on what one dependency-graph read scans, so a busy window costs a bounded amount.</summary>
public sealed record DependencyGraphLimits
{
    /// <summary>The most recent traces read per service, through the (service, start time) index.</summary>
    public int TracesPerService { get; init; } = 200;

    /// <summary>Traces read in all.</summary>
    public int MaxTraces { get; init; } = 2_000;

    /// <summary>Spans read in all; reading stops at the batch of traces that passes it.</summary>
    public int MaxSpans { get; init; } = 100_000;
}

/// <summary>
/// Builds the service dependency graph from spans: an edge A → B for every span in B whose parent span (same trace) is
/// in A, such as a client span in A and the server span it caused in B. Reads the most recent traces of each service
/// in the window, within <see cref="DependencyGraphLimits"/>, and says when that was a sample.
/// </summary>
public sealed class DependencyGraphQuery(ITelemetryReader reader)
{
    /// <summary>Traces are read this many at a time.</summary>
    private const int TraceBatch = 100;

    public async Task<DependencyGraph> ReadAsync(DateTimeOffset from, DateTimeOffset to, DependencyGraphLimits limits, CancellationToken cancellationToken)
    {
        var fromNanos = UnixNanos(from);
        var toNanos = UnixNanos(to);
        var traceIds = new List<byte[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var reasons = new List<string>();
        var fullServices = new List<string>();
        foreach (var service in await reader.GetServicesAsync(cancellationToken))
        {
            if (traceIds.Count >= limits.MaxTraces)
            {
                reasons.Add($"stopped at {limits.MaxTraces} traces");
                break;
            }
            var ids = await reader.FindTraceIdsAsync(new TraceSearch
            {
                ServiceName = service,
                // Trace search takes both ends inclusive; the window is [from, to).
                StartFromUnixNanos = fromNanos,
                StartToUnixNanos = toNanos - 1,
                Limit = limits.TracesPerService,
            }, cancellationToken);
            if (ids.Count >= limits.TracesPerService)
            {
                fullServices.Add(service);
            }
            foreach (var id in ids)
            {
                if (traceIds.Count < limits.MaxTraces && seen.Add(Convert.ToHexString(id)))
                {
                    traceIds.Add(id);
                }
            }
        }
        if (fullServices.Count > 0)
        {
            reasons.Insert(0, $"the {limits.TracesPerService} most recent traces of {string.Join(", ", fullServices)}");
        }

        var edges = new Dictionary<(string Caller, string Callee), (long Calls, long Errors)>();
        var services = new SortedSet<string>(StringComparer.Ordinal);
        var spansRead = 0;
        var tracesRead = 0;
        for (var at = 0; at < traceIds.Count; at += TraceBatch)
        {
            if (spansRead >= limits.MaxSpans)
            {
                reasons.Add($"stopped at {spansRead:N0} spans");
                break;
            }
            var batch = traceIds.GetRange(at, Math.Min(TraceBatch, traceIds.Count - at));
            var spans = await reader.GetTracesAsync(batch, cancellationToken);
            spansRead += spans.Count;
            tracesRead += batch.Count;
            foreach (var trace in spans.GroupBy(span => Convert.ToHexString(span.TraceId), StringComparer.Ordinal))
            {
                AddTrace([.. trace], fromNanos, toNanos, services, edges);
            }
        }

        return new DependencyGraph(
            from,
            to,
            [.. services],
            [.. edges
                .OrderBy(e => e.Key.Caller, StringComparer.Ordinal)
                .ThenBy(e => e.Key.Callee, StringComparer.Ordinal)
                .Select(e => new DependencyEdge(e.Key.Caller, e.Key.Callee, e.Value.Calls, e.Value.Errors))],
            tracesRead,
            spansRead,
            reasons.Count == 0 ? null : $"Sampled: {string.Join("; ", reasons)}.");
    }

    private static void AddTrace(
        IReadOnlyList<SpanRecord> trace, long fromNanos, long toNanos, SortedSet<string> services,
        Dictionary<(string Caller, string Callee), (long Calls, long Errors)> edges)
    {
        var byId = new Dictionary<string, SpanRecord>(trace.Count, StringComparer.Ordinal);
        foreach (var span in trace)
        {
            byId.TryAdd(Convert.ToHexString(span.SpanId), span);
        }
        foreach (var span in trace)
        {
            // A trace found in the window may run past it; only calls that started inside it count.
            if (span.StartUnixNanos < fromNanos || span.StartUnixNanos >= toNanos)
            {
                continue;
            }
            services.Add(span.Resource.ServiceName);
            if (span.ParentSpanId.Length == 0 || !byId.TryGetValue(Convert.ToHexString(span.ParentSpanId), out var parent)
                || parent.Resource.ServiceName == span.Resource.ServiceName)
            {
                continue;
            }
            var failed = span.StatusCode == SpanStatusCode.Error
                || (parent.Kind is SpanKind.Client or SpanKind.Producer && parent.StatusCode == SpanStatusCode.Error);
            var key = (parent.Resource.ServiceName, span.Resource.ServiceName);
            var (calls, errors) = edges.GetValueOrDefault(key);
            edges[key] = (calls + 1, errors + (failed ? 1 : 0));
        }
    }

    private static long UnixNanos(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * 100;
}

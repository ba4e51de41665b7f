namespace Observability.Core.Query;

/// <summary>Calls from one service to another over a window: how many, and how many of them failed.</summary>
/// <param name="Caller">The service of the parent span.</param>
/// <param name="Callee">The service of the child span.</param>
/// <param name="Calls">Child spans in <paramref name="Callee"/> whose parent is in <paramref name="Caller"/>.</param>
/// <param name="Errors">Those calls where the child span or the caller's client/producer parent span has error status.</param>
public sealed record DependencyEdge(string Caller, string Callee, long Calls, long Errors);

/// <summary>Which service calls which, read from the spans of a bounded set of traces.</summary>
/// <param name="Services">Every service seen in the traces read, in ordinal order (also those without edges).</param>
/// <param name="Edges">Edges ordered by caller, then callee.</param>
/// <param name="TracesRead">How many traces were read.</param>
/// <param name="SpansRead">How many spans those traces held.</param>
/// <param name="Sampled">Why not every trace of the window was read; null when all were.</param>
public sealed record DependencyGraph(
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<string> Services,
    IReadOnlyList<DependencyEdge> Edges,
    int TracesRead,
    int SpansRead,
    string? Sampled)
{
    /// <summary>Each service's call depth: 0 for a service nothing calls, else one more than the shallowest caller reached first.</summary>
    public IReadOnlyDictionary<string, int> Depths()
    {
        var callers = Edges.Where(e => e.Caller != e.Callee).ToLookup(e => e.Callee, e => e.Caller, StringComparer.Ordinal);
        var callees = Edges.Where(e => e.Caller != e.Callee).ToLookup(e => e.Caller, e => e.Callee, StringComparer.Ordinal);
        var depths = new Dictionary<string, int>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        // Roots first; services only reached through a cycle start a layer of their own afterwards.
        foreach (var service in Services.Where(s => !callers[s].Any()).Concat(Services))
        {
            if (!depths.TryAdd(service, 0))
            {
                continue;
            }
            queue.Enqueue(service);
            while (queue.TryDequeue(out var caller))
            {
                foreach (var callee in callees[caller])
                {
                    if (depths.TryAdd(callee, depths[caller] + 1))
                    {
                        queue.Enqueue(callee);
                    }
                }
            }
        }
        return depths;
    }
}

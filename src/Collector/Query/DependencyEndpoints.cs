using Observability.Core.Query;
using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Collector.Query;

/// <summary>GET /api/dependencies: which service calls which over [from, to), with call and error counts, from a bounded read of traces.</summary>
internal static class DependencyEndpoints
{
    public static void MapDependencyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/dependencies", (HttpRequest request, ITelemetryStore store, TimeProvider clock, CancellationToken cancellationToken) =>
            QueryJson.HandleAsync(async () =>
            {
                var (from, to) = QueryArguments.TimeRange(request, clock);
                var graph = await new DependencyGraphQuery(store).ReadAsync(
                    DateTimeOffset.UnixEpoch.AddTicks(from / 100), DateTimeOffset.UnixEpoch.AddTicks(to / 100), new DependencyGraphLimits(), cancellationToken);
                return QueryJson.Ok(new
                {
                    from = UnixTime.Format(from),
                    to = UnixTime.Format(to),
                    services = graph.Services,
                    edges = graph.Edges.Select(e => new { caller = e.Caller, callee = e.Callee, calls = e.Calls, errors = e.Errors }),
                    tracesRead = graph.TracesRead,
                    spansRead = graph.SpansRead,
                    sampled = graph.Sampled,
                    noData = graph.Services.Count == 0 ? $"no spans started in [{UnixTime.Format(from)}, {UnixTime.Format(to)})" : null,
                });
            }));
    }
}

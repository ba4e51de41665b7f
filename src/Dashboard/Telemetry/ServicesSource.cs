using Observability.Core.Query;
using Observability.Core.Rollups;
using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Dashboard.Telemetry;

/// <summary>
/// The Services page's figures from the rollups (RedQueryService, as GET /api/red) and the dependency graph (as GET
/// /api/dependencies), in this process. One per circuit: it keeps the last graph a little while, since the graph
/// reads traces rather than rollups and the page asks every few seconds.
/// </summary>
internal sealed class ServicesSource(ITelemetryStore store, RedQueryService red, TimeProvider time) : IServicesSource
{
    /// <summary>The graph is read again at most this often; the RED figures every time.</summary>
    public static readonly TimeSpan GraphFreshness = TimeSpan.FromSeconds(10);

    /// <summary>A service's operations shown at most; the busiest are kept.</summary>
    public const int MaxOperations = 50;

    /// <summary>Operations read at most (one rollup read each), in name order: a bound for a service with a runaway catalog.</summary>
    public const int MaxOperationsRead = 200;

    /// <summary>About this many points per chart; the step is a multiple of 10 s, the finest rollup.</summary>
    private const int ChartPoints = 60;

    private static readonly TimeSpan FinestStep = TimeSpan.FromSeconds(10);

    private (TimeSpan Range, DateTimeOffset ReadAt, DependencyGraph Graph)? _graph;

    public async Task<ServicesSnapshot> ReadAsync(TimeSpan range, string? service, CancellationToken cancellationToken)
    {
        var to = time.GetUtcNow();
        var from = to - range;
        var services = await red.ServicesAsync(RedQueryService.DefaultKinds, from, to, cancellationToken);
        if (_graph is not { } cached || cached.Range != range || to - cached.ReadAt >= GraphFreshness)
        {
            var graph = await new DependencyGraphQuery(store).ReadAsync(from, to, new DependencyGraphLimits(), cancellationToken);
            _graph = cached = (range, to, graph);
        }
        var detail = service is null ? null : await DetailAsync(service, from, to, cancellationToken);
        return new ServicesSnapshot(from, to, services, cached.Graph, detail);
    }

    private async Task<ServiceDetail> DetailAsync(string service, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var names = (await store.GetOperationsAsync(service, null, cancellationToken))
            .Where(operation => RedQueryService.DefaultKinds.Contains(operation.Kind))
            .Select(operation => operation.Name)
            .Distinct(StringComparer.Ordinal)
            .Take(MaxOperationsRead);
        var operations = new List<OperationRed>();
        foreach (var name in names)
        {
            var point = await red.WindowAsync(service, name, RedQueryService.DefaultKinds, from, to, cancellationToken);
            if (point.Requests > 0)
            {
                operations.Add(new OperationRed(name, point));
            }
        }
        var step = StepFor(to - from);
        var series = await red.SeriesAsync(service, null, RedQueryService.DefaultKinds, from, to, step, cancellationToken);
        return new ServiceDetail(
            service,
            [.. operations.OrderByDescending(o => o.Red.Requests).ThenBy(o => o.Operation, StringComparer.Ordinal).Take(MaxOperations)],
            series,
            step);
    }

    /// <summary>The multiple of 10 s that gives about <see cref="ChartPoints"/> steps over the range.</summary>
    public static TimeSpan StepFor(TimeSpan range)
    {
        var tens = Math.Max(1, (long)Math.Ceiling(range / FinestStep / ChartPoints));
        return FinestStep * tens;
    }
}

using Observability.Core.Query;
using Observability.Core.Rollups;

namespace Observability.Dashboard.Telemetry;

/// <summary>Everything the Services page shows for a window ending now, read at one moment.</summary>
/// <param name="Services">Each service with entry spans (server, consumer) in the window, busiest first.</param>
/// <param name="Graph">Which service calls which in the window.</param>
/// <param name="Selected">The selected service's operations and charts; null when none is selected.</param>
public sealed record ServicesSnapshot(
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<ServiceRed> Services,
    DependencyGraph Graph,
    ServiceDetail? Selected);

/// <summary>One operation of a service with its figures over the whole window.</summary>
public sealed record OperationRed(string Operation, RedPoint Red);

/// <summary>One service's operations and its figures per step.</summary>
/// <param name="Operations">Operations with entry spans in the window, busiest first.</param>
/// <param name="Series">One point per step, oldest first.</param>
public sealed record ServiceDetail(string Service, IReadOnlyList<OperationRed> Operations, IReadOnlyList<RedPoint> Series, TimeSpan Step);

/// <summary>Reads the Services page's figures; the page depends on this alone, so its tests can feed it fixed data.</summary>
public interface IServicesSource
{
    /// <summary>The window [now - range, now), and the selected service's detail when <paramref name="service"/> is given.</summary>
    Task<ServicesSnapshot> ReadAsync(TimeSpan range, string? service, CancellationToken cancellationToken);
}

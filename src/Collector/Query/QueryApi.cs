using Observability.Collector.Query.Jaeger;
using Observability.Collector.Query.Logs;
using Observability.Collector.Query.Metrics;

namespace Observability.Collector.Query;

/// <summary>The query API on the API listener: traces in Jaeger's shape, logs and metrics. See docs/api.md.</summary>
internal static class QueryApi
{
    public static IEndpointRouteBuilder MapQueryApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapJaegerEndpoints();
        endpoints.MapLogsEndpoints();
        endpoints.MapMetricsEndpoints();
        endpoints.MapDependencyEndpoints();
        return endpoints;
    }
}

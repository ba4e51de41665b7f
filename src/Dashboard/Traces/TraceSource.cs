using Observability.Collector.Query.Jaeger;
using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Dashboard.Traces;

/// <summary>What the Traces pages read: services and operations to search by, traces, and the logs written inside a trace.</summary>
public interface ITraceSource
{
    Task<IReadOnlyList<string>> GetServicesAsync(CancellationToken cancellationToken);

    /// <summary>The distinct operation names of a service, by name.</summary>
    Task<IReadOnlyList<string>> GetOperationsAsync(string service, CancellationToken cancellationToken);

    /// <summary>The spans of each matching trace, most recent match first.</summary>
    Task<IReadOnlyList<IReadOnlyList<SpanRecord>>> SearchAsync(TraceSearch search, CancellationToken cancellationToken);

    /// <summary>The stored traces among <paramref name="traceIds"/>; an id with nothing stored is left out.</summary>
    Task<IReadOnlyList<IReadOnlyList<SpanRecord>>> GetTracesAsync(IReadOnlyList<byte[]> traceIds, CancellationToken cancellationToken);

    /// <summary>Log records carrying the trace's id, effective time in [from, to), newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<LogRecord>> GetTraceLogsAsync(byte[] traceId, long fromUnixNanos, long toUnixNanos, int limit, CancellationToken cancellationToken);
}

/// <summary>The Traces pages' data from the Collector's store in this process, read the way the Jaeger API reads it.</summary>
internal sealed class TraceSource(ITelemetryStore store) : ITraceSource
{
    public Task<IReadOnlyList<string>> GetServicesAsync(CancellationToken cancellationToken) => store.GetServicesAsync(cancellationToken);

    public async Task<IReadOnlyList<string>> GetOperationsAsync(string service, CancellationToken cancellationToken)
    {
        var operations = await store.GetOperationsAsync(service, null, cancellationToken);
        return operations.Select(o => o.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    public Task<IReadOnlyList<IReadOnlyList<SpanRecord>>> SearchAsync(TraceSearch search, CancellationToken cancellationToken) =>
        TraceLoader.SearchAsync(store, search, cancellationToken);

    public Task<IReadOnlyList<IReadOnlyList<SpanRecord>>> GetTracesAsync(IReadOnlyList<byte[]> traceIds, CancellationToken cancellationToken) =>
        TraceLoader.LoadAsync(store, traceIds, cancellationToken);

    public Task<IReadOnlyList<LogRecord>> GetTraceLogsAsync(byte[] traceId, long fromUnixNanos, long toUnixNanos, int limit, CancellationToken cancellationToken) =>
        store.SearchLogsAsync(new LogSearch { TraceId = traceId, FromUnixNanos = fromUnixNanos, ToUnixNanos = toUnixNanos, Limit = limit }, cancellationToken);
}

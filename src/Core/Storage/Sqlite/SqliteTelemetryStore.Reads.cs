using System.Data.Common;
using Observability.Core.Telemetry;

namespace Observability.Core.Storage.Sqlite;

/// <summary>The query API's reads: shared SQL (<see cref="TelemetryQueries"/>) on pooled read connections.</summary>
public sealed partial class SqliteTelemetryStore
{
    private SqliteQueries Queries => field ??= new SqliteQueries(this);

    public Task<IReadOnlyList<string>> GetServicesAsync(CancellationToken cancellationToken) => Queries.GetServicesAsync(cancellationToken);

    public Task<IReadOnlyList<SpanOperation>> GetOperationsAsync(string serviceName, SpanKind? kind, CancellationToken cancellationToken) =>
        Queries.GetOperationsAsync(serviceName, kind, cancellationToken);

    public Task<IReadOnlyList<byte[]>> FindTraceIdsAsync(TraceSearch search, CancellationToken cancellationToken) => Queries.FindTraceIdsAsync(search, cancellationToken);

    public Task<IReadOnlyList<SpanRecord>> GetTracesAsync(IReadOnlyCollection<byte[]> traceIds, CancellationToken cancellationToken) =>
        Queries.GetTracesAsync(traceIds, cancellationToken);

    public Task<IReadOnlyList<LogRecord>> SearchLogsAsync(LogSearch search, CancellationToken cancellationToken) => Queries.SearchLogsAsync(search, cancellationToken);

    public Task<IReadOnlyList<MetricDescriptor>> GetMetricDescriptorsAsync(CancellationToken cancellationToken) => Queries.GetMetricDescriptorsAsync(cancellationToken);

    public Task<IReadOnlyList<MetricSeriesKey>> GetMetricSeriesAsync(string metricName, long fromUnixNanos, long toUnixNanos, int limit, CancellationToken cancellationToken) =>
        Queries.GetMetricSeriesAsync(metricName, fromUnixNanos, toUnixNanos, limit, cancellationToken);

    public Task<IReadOnlyList<MetricSample>> GetMetricSamplesAsync(MetricSampleQuery query, CancellationToken cancellationToken) =>
        Queries.GetMetricSamplesAsync(query, cancellationToken);

    private sealed class SqliteQueries(SqliteTelemetryStore store) : TelemetryQueries(SqlDialect.Sqlite)
    {
        protected override async Task<List<T>> ReadAsync<T>(string sql, IReadOnlyList<object> parameters, Func<DbDataReader, T> map, CancellationToken cancellationToken)
        {
            await using var connection = await store.OpenReaderAsync(cancellationToken);
            await using var command = Command(connection, sql, [.. parameters]);
            var rows = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(map(reader));
            }
            return rows;
        }
    }
}

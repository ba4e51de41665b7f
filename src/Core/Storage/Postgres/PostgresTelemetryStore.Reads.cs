using System.Data.Common;
using Npgsql;
using Observability.Core.Telemetry;

namespace Observability.Core.Storage.Postgres;

/// <summary>The query API's reads: shared SQL (<see cref="TelemetryQueries"/>) on pooled connections.</summary>
public sealed partial class PostgresTelemetryStore
{
    private PostgresQueries Queries => field ??= new PostgresQueries(_dataSource);

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

    private sealed class PostgresQueries(NpgsqlDataSource dataSource) : TelemetryQueries(SqlDialect.Postgres)
    {
        protected override async Task<List<T>> ReadAsync<T>(string sql, IReadOnlyList<object> parameters, Func<DbDataReader, T> map, CancellationToken cancellationToken)
        {
            await using var command = dataSource.CreateCommand(sql);
            foreach (var value in parameters)
            {
                // Strings go as text, longs as bigint, ints as integer, byte arrays as bytea.
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }
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

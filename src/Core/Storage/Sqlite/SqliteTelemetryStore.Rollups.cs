using Microsoft.Data.Sqlite;
using Observability.Core.Rollups;
using Observability.Core.Sketches;
using Observability.Core.Telemetry;

namespace Observability.Core.Storage.Sqlite;

/// <summary>Span rollups: merged into their rows in the same transaction as the spans they count.</summary>
public sealed partial class SqliteTelemetryStore : ISpanRollupReader
{
    // One process writes an embedded database, so its rows need no per-process identity.
    private const string WriterId = "sqlite";

    private static void WriteRollups(SqliteConnection connection, SqliteTransaction transaction, List<SpanRecord> spans)
    {
        if (spans.Count == 0)
        {
            return;
        }
        foreach (var resolution in SpanRollupResolutions.All)
        {
            using var select = connection.CreateCommand();
            select.Transaction = transaction;
            select.CommandText = $"""
                SELECT request_count, error_count, duration_sketch FROM {resolution.Table}
                WHERE service_name = $1 AND all_operations = $2 AND bucket_start_unix_nano = $3 AND operation = $4
                    AND kind = $5 AND status_code = $6 AND writer_id = $7;
                """;
            var key = AddParameters(select, 7);
            using var upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = $"""
                INSERT INTO {resolution.Table} (service_name, all_operations, bucket_start_unix_nano, operation, kind, status_code,
                    writer_id, request_count, error_count, duration_sketch)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                ON CONFLICT (service_name, all_operations, bucket_start_unix_nano, operation, kind, status_code, writer_id)
                DO UPDATE SET request_count = excluded.request_count, error_count = excluded.error_count,
                    duration_sketch = excluded.duration_sketch;
                """;
            var row = AddParameters(upsert, 10);
            foreach (var (_, increment) in SpanRollupBuilder.Build(spans, resolution))
            {
                object[] keyValues =
                [
                    increment.Key.ServiceName, increment.Key.Operation is null ? 1 : 0, increment.BucketStartUnixNanos,
                    increment.Key.Operation ?? "", (int)increment.Key.Kind, (int)increment.Key.StatusCode, WriterId,
                ];
                for (var i = 0; i < keyValues.Length; i++)
                {
                    key[i].Value = keyValues[i];
                    row[i].Value = keyValues[i];
                }
                var merged = increment;
                using (var reader = select.ExecuteReader())
                {
                    if (reader.Read())
                    {
                        merged = new SpanRollup(increment.BucketStartUnixNanos, increment.Key, reader.GetInt64(0), reader.GetInt64(1),
                            LatencySketch.FromBytes((byte[])reader[2]));
                        merged.Merge(increment);
                    }
                }
                row[7].Value = merged.RequestCount;
                row[8].Value = merged.ErrorCount;
                row[9].Value = merged.DurationsMilliseconds.ToBytes();
                upsert.ExecuteNonQuery();
            }
        }
    }

    public async Task<IReadOnlyList<SpanRollup>> GetSpanRollupsAsync(SpanRollupQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var (sql, values) = SpanRollupSql.Select(query, kinds => string.Join(", ", kinds.Select((_, i) => "$" + (SpanRollupSql.KindsParameterAt + i))));
        command.CommandText = sql;
        for (var i = 0; i < values.Count; i++)
        {
            command.Parameters.AddWithValue("$" + (i + 1), values[i]);
        }
        return await SpanRollupSql.ReadMergedAsync(command, query.Operation is null, cancellationToken);
    }
}

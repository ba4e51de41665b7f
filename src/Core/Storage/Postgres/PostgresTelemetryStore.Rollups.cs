using Npgsql;
using NpgsqlTypes;
using Observability.Core.Rollups;
using Observability.Core.Sketches;
using Observability.Core.Telemetry;

namespace Observability.Core.Storage.Postgres;

/// <summary>
/// Span rollups: merged into their rows in the same transaction as the spans they count. Each process writes
/// rows of its own (its writer id is part of the key), so Collectors sharing the database never contend for a
/// row; readers merge the rows of all writers.
/// </summary>
public sealed partial class PostgresTelemetryStore : ISpanRollupReader
{
    private readonly string _writerId = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    private async Task WriteRollupsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<SpanRecord> spans, CancellationToken cancellationToken)
    {
        if (spans.Count == 0)
        {
            return;
        }
        foreach (var resolution in SpanRollupResolutions.All)
        {
            var increments = SpanRollupBuilder.Build(spans, resolution).Values.ToList();
            var existing = new Dictionary<(long Bucket, SpanRollupKey Key), SpanRollup>();
            await using (var select = new NpgsqlCommand($"""
                SELECT r.bucket_start_unix_nano, r.service_name, r.all_operations, r.operation, r.kind, r.status_code,
                    r.request_count, r.error_count, r.duration_sketch
                FROM {resolution.Table} r
                JOIN unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::bigint[])
                    AS k(service_name, all_operations, bucket_start_unix_nano, operation, kind, status_code)
                  ON r.service_name = k.service_name AND r.all_operations = k.all_operations
                 AND r.bucket_start_unix_nano = k.bucket_start_unix_nano AND r.operation = k.operation
                 AND r.kind = k.kind AND r.status_code = k.status_code
                WHERE r.writer_id = $7;
                """, connection, transaction))
            {
                AddKeyArrays(select, increments);
                select.Parameters.Add(new NpgsqlParameter { Value = _writerId, NpgsqlDbType = NpgsqlDbType.Text });
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var key = new SpanRollupKey(reader.GetString(1), reader.GetInt64(2) == 1 ? null : reader.GetString(3),
                        (SpanKind)reader.GetInt64(4), (SpanStatusCode)reader.GetInt64(5));
                    var bucket = reader.GetInt64(0);
                    existing[(bucket, key)] = new SpanRollup(bucket, key, reader.GetInt64(6), reader.GetInt64(7),
                        LatencySketch.FromBytes(reader.GetFieldValue<byte[]>(8)));
                }
            }

            var merged = increments.Select(increment =>
            {
                if (!existing.TryGetValue((increment.BucketStartUnixNanos, increment.Key), out var row))
                {
                    return increment;
                }
                row.Merge(increment);
                return row;
            }).ToList();
            await using var upsert = new NpgsqlCommand($"""
                INSERT INTO {resolution.Table} (service_name, all_operations, bucket_start_unix_nano, operation, kind, status_code,
                    writer_id, request_count, error_count, duration_sketch)
                SELECT k.service_name, k.all_operations, k.bucket_start_unix_nano, k.operation, k.kind, k.status_code, $7,
                    k.request_count, k.error_count, k.duration_sketch
                FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::bigint[], $8::bigint[], $9::bigint[], $10::bytea[])
                    AS k(service_name, all_operations, bucket_start_unix_nano, operation, kind, status_code, request_count, error_count, duration_sketch)
                ON CONFLICT (service_name, all_operations, bucket_start_unix_nano, operation, kind, status_code, writer_id)
                DO UPDATE SET request_count = excluded.request_count, error_count = excluded.error_count,
                    duration_sketch = excluded.duration_sketch;
                """, connection, transaction);
            AddKeyArrays(upsert, merged);
            upsert.Parameters.Add(new NpgsqlParameter { Value = _writerId, NpgsqlDbType = NpgsqlDbType.Text });
            upsert.Parameters.Add(new NpgsqlParameter { Value = merged.Select(r => r.RequestCount).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            upsert.Parameters.Add(new NpgsqlParameter { Value = merged.Select(r => r.ErrorCount).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            upsert.Parameters.Add(new NpgsqlParameter { Value = merged.Select(r => r.DurationsMilliseconds.ToBytes()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static void AddKeyArrays(NpgsqlCommand command, List<SpanRollup> rollups)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = rollups.Select(r => r.Key.ServiceName).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = rollups.Select(r => r.Key.Operation is null ? 1L : 0L).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = rollups.Select(r => r.BucketStartUnixNanos).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = rollups.Select(r => r.Key.Operation ?? "").ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = rollups.Select(r => (long)r.Key.Kind).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = rollups.Select(r => (long)r.Key.StatusCode).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
    }

    public async Task<IReadOnlyList<SpanRollup>> GetSpanRollupsAsync(SpanRollupQuery query, CancellationToken cancellationToken)
    {
        var (sql, values) = SpanRollupSql.Select(query, kinds => string.Join(", ", kinds.Select((_, i) => "$" + (SpanRollupSql.KindsParameterAt + i))));
        await using var command = _dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value is int number ? (long)number : value });
        }
        return await SpanRollupSql.ReadMergedAsync(command, query.Operation is null, cancellationToken);
    }
}

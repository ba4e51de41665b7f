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
    /// <summary>
    /// Writes the merged row of every bucket the batch touched, as <paramref name="writer"/>. Open buckets are merged
    /// in the writer's memory; a bucket not in memory (first touched by this writer, or a late span's) is read back
    /// first. The rows merged in memory are added to <paramref name="touched"/>, for the caller to drop if the
    /// transaction fails.
    /// </summary>
    private static async Task WriteRollupsAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        RollupWriter writer,
        SpanRollupIncrements increments,
        List<KeyValuePair<SpanRollupRowKey, SpanRollup>> touched,
        CancellationToken cancellationToken)
    {
        if (increments.IsEmpty)
        {
            return;
        }
        var stored = new Dictionary<SpanRollupRowKey, SpanRollup>();
        foreach (var missing in writer.Rows.Missing(increments).GroupBy(key => key.Resolution))
        {
            await ReadStoredAsync(connection, transaction, writer.Id, missing.Key, missing.ToList(), stored, cancellationToken);
        }
        var merged = writer.Rows.Merge(increments, stored);
        touched.AddRange(merged);

        await using var upserts = new NpgsqlBatch(connection, transaction);
        foreach (var rows in merged.GroupBy(row => row.Key.Resolution, row => row.Value))
        {
            var list = rows.ToList();
            var upsert = new NpgsqlBatchCommand($"""
                INSERT INTO {rows.Key.Table} (service_name, all_operations, bucket_start_unix_nano, operation, kind, status_code,
                    writer_id, request_count, error_count, duration_sketch)
                SELECT k.service_name, k.all_operations, k.bucket_start_unix_nano, k.operation, k.kind, k.status_code, $7,
                    k.request_count, k.error_count, k.duration_sketch
                FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::bigint[], $8::bigint[], $9::bigint[], $10::bytea[])
                    AS k(service_name, all_operations, bucket_start_unix_nano, operation, kind, status_code, request_count, error_count, duration_sketch)
                ON CONFLICT (service_name, all_operations, bucket_start_unix_nano, operation, kind, status_code, writer_id)
                DO UPDATE SET request_count = excluded.request_count, error_count = excluded.error_count,
                    duration_sketch = excluded.duration_sketch;
                """);
            AddKeyArrays(upsert.Parameters, list);
            upsert.Parameters.Add(new NpgsqlParameter { Value = writer.Id, NpgsqlDbType = NpgsqlDbType.Text });
            upsert.Parameters.Add(new NpgsqlParameter { Value = list.Select(r => r.RequestCount).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            upsert.Parameters.Add(new NpgsqlParameter { Value = list.Select(r => r.ErrorCount).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            upsert.Parameters.Add(new NpgsqlParameter { Value = list.Select(r => r.DurationsMilliseconds.ToBytes()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
            upserts.BatchCommands.Add(upsert);
        }
        await upserts.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ReadStoredAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string writerId,
        SpanRollupResolution resolution,
        List<SpanRollupRowKey> keys,
        Dictionary<SpanRollupRowKey, SpanRollup> stored,
        CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand($"""
            SELECT r.bucket_start_unix_nano, r.service_name, r.all_operations, r.operation, r.kind, r.status_code,
                r.request_count, r.error_count, r.duration_sketch
            FROM {resolution.Table} r
            JOIN unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::bigint[])
                AS k(service_name, all_operations, bucket_start_unix_nano, operation, kind, status_code)
              ON r.service_name = k.service_name AND r.all_operations = k.all_operations
             AND r.bucket_start_unix_nano = k.bucket_start_unix_nano AND r.operation = k.operation
             AND r.kind = k.kind AND r.status_code = k.status_code
            WHERE r.writer_id = $7;
            """, connection, transaction);
        AddKeyArrays(select.Parameters, keys.Select(key => SpanRollup.Empty(key.BucketStartUnixNanos, key.Key)).ToList());
        select.Parameters.Add(new NpgsqlParameter { Value = writerId, NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = new SpanRollupKey(reader.GetString(1), reader.GetInt64(2) == 1 ? null : reader.GetString(3),
                (SpanKind)reader.GetInt64(4), (SpanStatusCode)reader.GetInt64(5));
            var bucket = reader.GetInt64(0);
            stored[new SpanRollupRowKey(resolution, bucket, key)] = new SpanRollup(bucket, key, reader.GetInt64(6), reader.GetInt64(7),
                LatencySketch.FromBytes(reader.GetFieldValue<byte[]>(8)));
        }
    }

    private static void AddKeyArrays(NpgsqlParameterCollection parameters, List<SpanRollup> rollups)
    {
        parameters.Add(new NpgsqlParameter { Value = rollups.Select(r => r.Key.ServiceName).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter { Value = rollups.Select(r => r.Key.Operation is null ? 1L : 0L).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        parameters.Add(new NpgsqlParameter { Value = rollups.Select(r => r.BucketStartUnixNanos).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        parameters.Add(new NpgsqlParameter { Value = rollups.Select(r => r.Key.Operation ?? "").ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter { Value = rollups.Select(r => (long)r.Key.Kind).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        parameters.Add(new NpgsqlParameter { Value = rollups.Select(r => (long)r.Key.StatusCode).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
    }

    /// <summary>
    /// One writer identity: the id its rollup rows carry and the open rows it holds in memory. A process has
    /// <see cref="ConcurrentWriters"/> of them, each used by one transaction at a time, so two commits in flight never
    /// write the same row and rows of Collectors sharing the database never collide.
    /// </summary>
    private sealed class RollupWriter
    {
        public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

        public SpanRollupCache Rows { get; } = new();
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

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

    /// <summary>
    /// Writes the merged row of every bucket the batch touched. Open buckets are merged in memory
    /// (<see cref="SpanRollupCache"/>); a bucket not in memory (first touched since start-up, or a late span's) is read
    /// back first. Returns the rows merged in memory, for the caller to drop if the transaction fails.
    /// </summary>
    private List<KeyValuePair<SpanRollupRowKey, SpanRollup>> WriteRollups(WriteStatements statements, SpanRollupIncrements increments)
    {
        if (increments.IsEmpty)
        {
            return [];
        }
        var stored = new Dictionary<SpanRollupRowKey, SpanRollup>();
        foreach (var key in _rollups.Missing(increments))
        {
            var select = statements.SelectRollup[key.Resolution];
            BindRollupKey(select, key);
            if (select.ReadFirst())
            {
                try
                {
                    stored[key] = new SpanRollup(key.BucketStartUnixNanos, key.Key, select.Int64(0), select.Int64(1),
                        LatencySketch.FromBytes(select.Blob(2)));
                }
                finally
                {
                    select.Reset();
                }
            }
        }
        var merged = _rollups.Merge(increments, stored);
        foreach (var (key, row) in merged)
        {
            var upsert = statements.UpsertRollup[key.Resolution];
            BindRollupKey(upsert, key);
            upsert.Bind(8, row.RequestCount);
            upsert.Bind(9, row.ErrorCount);
            upsert.Bind(10, row.DurationsMilliseconds.ToBytes());
            upsert.Execute();
        }
        return merged;
    }

    private static void BindRollupKey(SqliteStatement statement, SpanRollupRowKey key)
    {
        statement.Bind(1, key.Key.ServiceName);
        statement.Bind(2, key.Key.Operation is null ? 1L : 0L);
        statement.Bind(3, key.BucketStartUnixNanos);
        statement.Bind(4, key.Key.Operation ?? "");
        statement.Bind(5, (long)key.Key.Kind);
        statement.Bind(6, (long)key.Key.StatusCode);
        statement.Bind(7, WriterId);
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

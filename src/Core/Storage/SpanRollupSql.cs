using System.Data.Common;
using Observability.Core.Rollups;
using Observability.Core.Telemetry;

namespace Observability.Core.Storage;

/// <summary>The rollup read query both stores share, and the merge of rows written by several Collectors.</summary>
internal static class SpanRollupSql
{
    /// <summary>Position of the first kind parameter: after from, to, all_operations, service, operation.</summary>
    public const int KindsParameterAt = 6;

    /// <summary>
    /// The query and its positional values. Unused filters are still bound, as neutral values, so parameter
    /// positions never move; <paramref name="kindsList"/> renders the IN list for the kinds, which follow at
    /// <see cref="KindsParameterAt"/>.
    /// </summary>
    public static (string Sql, List<object> Values) Select(SpanRollupQuery query, Func<IReadOnlyCollection<SpanKind>, string> kindsList)
    {
        var values = new List<object>
        {
            query.FromUnixNanos,
            query.ToUnixNanos,
            query.Operation is null ? 1 : 0,
            query.ServiceName ?? "",
            query.Operation ?? "",
        };
        var sql = $"""
            SELECT bucket_start_unix_nano, service_name, operation, kind, status_code, request_count, error_count, duration_sketch
            FROM {query.Resolution.Table}
            WHERE bucket_start_unix_nano >= $1 AND bucket_start_unix_nano < $2 AND all_operations = $3
            """;
        if (query.ServiceName is not null)
        {
            sql += " AND service_name = $4";
        }
        if (query.Operation is not null)
        {
            sql += " AND operation = $5";
        }
        if (query.Kinds is { Count: > 0 } kinds)
        {
            sql += $" AND kind IN ({kindsList(kinds)})";
            values.AddRange(kinds.Select(kind => (object)(int)kind));
        }
        return (sql + " ORDER BY bucket_start_unix_nano;", values);
    }

    /// <summary>Reads rollup rows and merges those of the same bucket and key that different writers stored.</summary>
    public static async Task<IReadOnlyList<SpanRollup>> ReadMergedAsync(DbCommand command, bool serviceWide, CancellationToken cancellationToken)
    {
        var merged = new Dictionary<(long Bucket, SpanRollupKey Key), SpanRollup>();
        var ordered = new List<SpanRollup>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var bucket = reader.GetInt64(0);
            var operation = reader.GetString(2);
            var key = new SpanRollupKey(reader.GetString(1), serviceWide ? null : operation,
                (SpanKind)reader.GetInt64(3), (SpanStatusCode)reader.GetInt64(4));
            var rollup = new SpanRollup(bucket, key, reader.GetInt64(5), reader.GetInt64(6), reader.GetFieldValue<byte[]>(7));
            if (merged.TryGetValue((bucket, key), out var existing))
            {
                existing.Merge(rollup);
            }
            else
            {
                merged[(bucket, key)] = rollup;
                ordered.Add(rollup);
            }
        }
        return ordered;
    }
}

using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Observability.Core.Storage.Postgres;

public sealed partial class PostgresTelemetryStore
{
    /// <summary>Drops every daily partition that ends at or before its table's cut-off; no row is deleted one by one.</summary>
    public async Task<IReadOnlyList<RetentionResult>> ApplyRetentionAsync(RetentionPolicy policy, CancellationToken cancellationToken)
    {
        var results = new List<RetentionResult>();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var cutoff in policy.Cutoffs)
        {
            if (!cutoff.PartitionedByDay)
            {
                results.Add(new RetentionResult(cutoff.Table, await DeleteInChunksAsync(connection, cutoff, cancellationToken), []));
                continue;
            }
            var expired = new List<string>();
            await using (var list = new NpgsqlCommand("""
                SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = $1::regclass ORDER BY c.relname;
                """, connection))
            {
                list.Parameters.Add(new NpgsqlParameter { Value = cutoff.Table });
                await using var reader = await list.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var name = reader.GetString(0);
                    if (DayEndOf(cutoff.Table, name) is { } dayEndUnixNanos && dayEndUnixNanos <= cutoff.CutoffUnixNanos)
                    {
                        expired.Add(name);
                    }
                }
            }
            foreach (var partition in expired)
            {
                // The name was read from the catalog and matched {table}_yyyyMMdd, so it is safe to splice in.
                await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {partition};", connection);
                await drop.ExecuteNonQueryAsync(cancellationToken);
                _logger.LogInformation("Retention dropped partition {Partition}", partition);
            }
            if (expired.Count > 0)
            {
                _partitions.Forget();
            }
            results.Add(new RetentionResult(cutoff.Table, 0, expired));
        }
        return results;
    }

    private const int RetentionChunkRows = 5_000;

    /// <summary>Rows of an unpartitioned table, a chunk per statement so no lock is held for long.</summary>
    private static async Task<long> DeleteInChunksAsync(NpgsqlConnection connection, RetentionPolicy.TableCutoff cutoff, CancellationToken cancellationToken)
    {
        long deleted = 0;
        int chunk;
        do
        {
            // Table and column names come from the policy's constants, never from input.
            await using var command = new NpgsqlCommand($"""
                DELETE FROM {cutoff.Table} WHERE ctid IN
                    (SELECT ctid FROM {cutoff.Table} WHERE {cutoff.TimeColumn} < $1 LIMIT {RetentionChunkRows});
                """, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = cutoff.CutoffUnixNanos });
            chunk = await command.ExecuteNonQueryAsync(cancellationToken);
            deleted += chunk;
        }
        while (chunk == RetentionChunkRows);
        return deleted;
    }

    /// <summary>The end of the UTC day a partition named {table}_yyyyMMdd holds, or null for any other name.</summary>
    private static long? DayEndOf(string table, string partition)
    {
        var prefix = table + "_";
        if (!partition.StartsWith(prefix, StringComparison.Ordinal)
            || !DateTime.TryParseExact(partition[prefix.Length..], "yyyyMMdd", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day))
        {
            return null;
        }
        return (day.AddDays(1) - DateTime.UnixEpoch).Ticks * 100;
    }
}

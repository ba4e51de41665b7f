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

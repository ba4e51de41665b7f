using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using Observability.Core.Rollups;
using Observability.Core.Telemetry;

namespace Observability.Core.Storage.Postgres;

/// <summary>
/// Creates the daily partitions a batch needs before it is written, and remembers which exist. Partitions are named
/// <c>{table}_yyyyMMdd</c> after their UTC day and hold [midnight, next midnight) in Unix nanoseconds.
/// </summary>
internal sealed class PostgresPartitions(NpgsqlDataSource dataSource, ILogger logger)
{
    internal const long NanosPerDay = 86_400_000_000_000;

    // Serializes partition creation across every process sharing the database ("OBSPART" in ASCII).
    private const long CreationLockKey = 0x4F_42_53_50_41_52_54;

    private readonly Lock _lock = new();
    private readonly HashSet<(string Table, long Day)> _existing = [];

    public static string NameOf(string table, long day) =>
        table + "_" + DateTime.UnixEpoch.AddDays(day).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public async Task EnsureAsync(TelemetryBatch batch, CancellationToken cancellationToken)
    {
        var missing = new HashSet<(string Table, long Day)>();
        lock (_lock)
        {
            foreach (var span in batch.Spans)
            {
                Collect(missing, "spans", span.StartUnixNanos);
                // Rollup buckets (10 s, 1 min, 1 h) divide a day, so a span's rollups fall on its own day.
                foreach (var resolution in SpanRollupResolutions.All)
                {
                    Collect(missing, resolution.Table, span.StartUnixNanos);
                }
            }
            foreach (var log in batch.Logs)
            {
                Collect(missing, "logs", log.EffectiveTimeUnixNanos);
            }
            foreach (var point in batch.MetricPoints)
            {
                Collect(missing, "metric_points", point.TimeUnixNanos);
            }
        }
        if (missing.Count == 0)
        {
            return;
        }

        var byName = missing.ToDictionary(key => NameOf(key.Table, key.Day));
        var unknown = new HashSet<string>(byName.Keys);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // A cheap look first, so that a process starting mid-day takes no lock for partitions that already exist.
        await using (var command = new NpgsqlCommand("SELECT n FROM unnest($1::text[]) AS n WHERE to_regclass(n) IS NOT NULL;", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = byName.Keys.ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                unknown.Remove(reader.GetString(0));
            }
        }

        // One short transaction per partition, committed before the data transaction starts: a creator then holds at
        // most one table lock while it waits, so it cannot deadlock with writers or another creator.
        foreach (var name in unknown.Order(StringComparer.Ordinal))
        {
            var (table, day) = byName[name];
            await CreateAsync(connection, table, name, day, cancellationToken);
        }
        lock (_lock)
        {
            _existing.UnionWith(missing);
        }
    }

    /// <summary>Forgets what is known to exist, for when partitions were dropped behind this process's back.</summary>
    public void Forget()
    {
        lock (_lock)
        {
            _existing.Clear();
        }
    }

    private void Collect(HashSet<(string Table, long Day)> missing, string table, long unixNanos)
    {
        var key = (table, DayOf(unixNanos));
        if (!_existing.Contains(key))
        {
            missing.Add(key);
        }
    }

    // CREATE TABLE .. PARTITION OF would take an ACCESS EXCLUSIVE lock on the parent, so the first batch after
    // midnight would wait for every running query on the table and block all others meanwhile. Creating a plain table
    // and attaching it takes only SHARE UPDATE EXCLUSIVE on the parent, which lets reads and COPYs carry on; the
    // attach also creates the parent's indexes on the new, empty partition.
    private async Task CreateAsync(NpgsqlConnection connection, string table, string name, long day, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var check = new NpgsqlBatch(connection, transaction))
        {
            // The check is a statement of its own, after the lock, and reads the catalog with SQL rather than through
            // to_regclass: only then does it see a partition that another process committed while this one waited.
            check.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1);") { Parameters = { new() { Value = CreationLockKey } } });
            check.BatchCommands.Add(new NpgsqlBatchCommand(
                "SELECT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass AND c.relname = $2);")
            {
                Parameters = { new() { Value = table }, new() { Value = name } },
            });
            await using var reader = await check.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (reader.GetBoolean(0))
            {
                return;
            }
        }

        // DDL takes no parameters; every part of this text is generated here from constants and integers.
        var (from, to) = BoundsOf(day);
        var ddl = $"""
            CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
            ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM ({from}) TO ({to});
            """;
        try
        {
            await using var create = new NpgsqlCommand(ddl, connection, transaction);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateTable)
        {
            // Created by someone who does not take the lock, such as an operator by hand: theirs will do.
            logger.LogDebug("Partition {Partition} was created concurrently outside this store", name);
            return;
        }
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Created partition {Partition} of {Table}", name, table);
    }

    /// <summary>Days since the Unix epoch, rounded down so times before 1970 fall on their own day.</summary>
    private static long DayOf(long unixNanos) => unixNanos / NanosPerDay - (unixNanos % NanosPerDay < 0 ? 1 : 0);

    /// <summary>The partition bounds of a day; the first and last representable days are open-ended.</summary>
    internal static (string From, string To) BoundsOf(long day)
    {
        var from = (Int128)day * NanosPerDay;
        var to = from + NanosPerDay;
        return (
            from < long.MinValue ? "MINVALUE" : ((long)from).ToString(CultureInfo.InvariantCulture),
            to > long.MaxValue ? "MAXVALUE" : ((long)to).ToString(CultureInfo.InvariantCulture));
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using Hangfire;
using Microsoft.Extensions.Options;
using Npgsql;
using Observability.Core.Telemetry;

namespace Observability.Collector.Monitoring;

/// <summary>
/// Scrapes each watched PostgreSQL: on a replica its replay lag (0 when it has replayed all it received); on a primary
/// each standby's replay lag from pg_stat_replication; and, for a server on this machine whose data folder it can read,
/// the CPU of the postmaster and its backends as postgresql.cpu.time and postgresql.cpu.utilization.
/// </summary>
public sealed class PostgresMonitorJob(IOptions<MonitoringOptions> options, MonitoringPoints points, PostgresCpuSampler cpu, ILogger<PostgresMonitorJob> logger)
{
    public const string RecurringJobId = "monitoring-postgres";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 30)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, target) in options.Value.Postgres)
        {
            try
            {
                await points.WriteAsync(await ScrapeAsync(name, target, cancellationToken));
            }
            catch (Exception error) when (error is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                logger.LogWarning("PostgreSQL {Name} could not be scraped: {Error}", name, error.Message);
            }
        }
    }

    private async Task<List<Core.Telemetry.MetricPointRecord>> ScrapeAsync(string name, PostgresTarget target, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Timeout = 5, CommandTimeout = 5, Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var resource = MonitoringPoints.Resource("postgresql", name);
        var now = points.NowUnixNanos;
        var result = new List<Core.Telemetry.MetricPointRecord>();

        var inRecovery = (bool)(await Scalar(connection, "SELECT pg_is_in_recovery();", cancellationToken))!;
        if (inRecovery)
        {
            await using var command = new NpgsqlCommand("""
                SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                            ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END::float8,
                       pg_is_wal_replay_paused();
                """, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            result.Add(MonitoringPoints.Gauge(resource, "postgresql.replication.lag", "s", now, Math.Max(0, reader.GetDouble(0)), ("replica", name), ("measured.on", "replica")));
            result.Add(MonitoringPoints.Gauge(resource, "postgresql.replication.replay_paused", "1", now, reader.GetBoolean(1) ? 1 : 0, ("replica", name)));
        }
        else
        {
            await using var command = new NpgsqlCommand("""
                SELECT application_name, coalesce(extract(epoch FROM replay_lag), 0)::float8,
                       coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::float8
                FROM pg_stat_replication;
                """, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var replica = reader.IsDBNull(0) || reader.GetString(0).Length == 0 ? "standby" : reader.GetString(0);
                result.Add(MonitoringPoints.Gauge(resource, "postgresql.replication.lag", "s", now, reader.GetDouble(1), ("replica", replica), ("measured.on", "primary")));
                result.Add(MonitoringPoints.Gauge(resource, "postgresql.replication.data_delay", "By", now, reader.GetDouble(2), ("replica", replica)));
            }
        }

        var backends = Convert.ToDouble(await Scalar(connection, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend';", cancellationToken), CultureInfo.InvariantCulture);
        result.Add(MonitoringPoints.Gauge(resource, "postgresql.backends", "{connection}", now, backends));

        if (await Scalar(connection, "SELECT current_setting('data_directory', true);", cancellationToken) is string folder
            && cpu.Sample(name, folder, now) is { } usage)
        {
            result.Add(MonitoringPoints.Counter(resource, "postgresql.cpu.time", "s", usage.StartUnixNanos, now, usage.CpuSeconds));
            if (usage.Utilization is { } utilization)
            {
                result.Add(MonitoringPoints.Gauge(resource, "postgresql.cpu.utilization", "1", now, utilization));
            }
        }
        return result;
    }

    private static async Task<object?> Scalar(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}

/// <summary>
/// CPU of a local PostgreSQL: the postmaster (from postmaster.pid in its data folder), every process it runs, and those
/// that have exited, from /proc. Utilization is the CPU used since the previous sample over the wall time and the machine's cores.
/// </summary>
public sealed class PostgresCpuSampler(ILogger<PostgresCpuSampler> logger)
{
    /// <summary>Linux reports process CPU in clock ticks of 1/100 s (USER_HZ).</summary>
    private const double TicksPerSecond = 100;

    private readonly ConcurrentDictionary<string, (long UnixNanos, double CpuSeconds)> _previous = new();
    private readonly ConcurrentDictionary<string, bool> _warned = new();

    public sealed record Usage(double CpuSeconds, long StartUnixNanos, double? Utilization);

    public Usage? Sample(string name, string dataFolder, long nowUnixNanos)
    {
        int postmaster;
        long startUnixNanos;
        try
        {
            var pidFile = File.ReadLines(Path.Combine(dataFolder, "postmaster.pid")).Take(3).ToArray();
            postmaster = int.Parse(pidFile[0], CultureInfo.InvariantCulture);
            startUnixNanos = long.Parse(pidFile[2], CultureInfo.InvariantCulture) * 1_000_000_000;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            if (_warned.TryAdd(name, true))
            {
                logger.LogInformation("PostgreSQL {Name}: no CPU figures, its data folder is not readable here ({Error})", name, error.Message);
            }
            return null;
        }

        var ticks = 0L;
        foreach (var stat in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(stat), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var text = File.ReadAllText(Path.Combine(stat, "stat"));
                // Fields after the command name, which is in parentheses and may hold spaces: state(3) ppid(4) ...
                // utime(14) stime(15) cutime(16) cstime(17).
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (pid == postmaster || parent == postmaster)
                {
                    ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                }
                if (pid == postmaster)
                {
                    // Backends that have exited: the postmaster waited for them, so their CPU is in its children's total.
                    ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
                }
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
            {
                // The process ended while being read.
            }
        }
        var seconds = ticks / TicksPerSecond;
        double? utilization = null;
        if (_previous.TryGetValue(name, out var previous) && nowUnixNanos > previous.UnixNanos && seconds >= previous.CpuSeconds)
        {
            var wall = (nowUnixNanos - previous.UnixNanos) / 1e9;
            utilization = (seconds - previous.CpuSeconds) / wall / Environment.ProcessorCount;
        }
        _previous[name] = (nowUnixNanos, seconds);
        return new Usage(seconds, startUnixNanos, utilization);
    }
}

using Observability.Core.Rollups;

namespace Observability.Core.Storage;

/// <summary>What a retention pass removes: every row of a table older than that table's cut-off.</summary>
public sealed record RetentionPolicy(IReadOnlyList<RetentionPolicy.TableCutoff> Cutoffs)
{
    /// <summary>
    /// Rows of <paramref name="Table"/> whose <paramref name="TimeColumn"/> is before the cut-off go. A table partitioned
    /// by day on PostgreSQL loses whole partitions; the others lose rows in chunks.
    /// </summary>
    public sealed record TableCutoff(string Table, string TimeColumn, long CutoffUnixNanos, bool PartitionedByDay = true);

    /// <summary>
    /// Raw data and 10-second rollups are kept <see cref="StorageOptions.RetentionDays"/>; 1-minute and 1-hour
    /// rollups <see cref="StorageOptions.RollupRetentionDays"/>, so long-range views outlive the raw data; KPI samples
    /// and webhook deliveries <see cref="StorageOptions.KpiRetentionDays"/>. Incidents and SLA reports are kept.
    /// Cut-offs fall on UTC midnight, so PostgreSQL drops whole daily partitions.
    /// </summary>
    public static RetentionPolicy For(StorageOptions options, DateTimeOffset now)
    {
        var raw = MidnightNanos(now.AddDays(-options.RetentionDays));
        var rollups = MidnightNanos(now.AddDays(-Math.Max(options.RollupRetentionDays, options.RetentionDays)));
        var kpis = MidnightNanos(now.AddDays(-options.KpiRetentionDays));
        return new RetentionPolicy(
        [
            new("spans", "start_unix_nano", raw),
            new("logs", "timestamp_unix_nano", raw),
            new("metric_points", "time_unix_nano", raw),
            new(SpanRollupResolutions.TenSeconds.Table, "bucket_start_unix_nano", raw),
            new(SpanRollupResolutions.OneMinute.Table, "bucket_start_unix_nano", rollups),
            new(SpanRollupResolutions.OneHour.Table, "bucket_start_unix_nano", rollups),
            new("kpi_samples", "measured_at_unix_nano", kpis, PartitionedByDay: false),
            new("notification_attempts", "at_unix_nano", kpis, PartitionedByDay: false),
            new("notifications", "created_at_unix_nano", kpis, PartitionedByDay: false),
        ]);
    }

    private static long MidnightNanos(DateTimeOffset time) =>
        (new DateTimeOffset(time.UtcDateTime.Date, TimeSpan.Zero) - DateTimeOffset.UnixEpoch).Ticks * 100;
}

/// <summary>What a retention pass removed from one table.</summary>
public sealed record RetentionResult(string Table, long RowsDeleted, IReadOnlyList<string> PartitionsDropped);

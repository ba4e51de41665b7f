using Observability.Core.Rollups;

namespace Observability.Core.Storage;

/// <summary>What a retention pass removes: every row of a table older than that table's cut-off.</summary>
public sealed record RetentionPolicy(IReadOnlyList<RetentionPolicy.TableCutoff> Cutoffs)
{
    /// <summary>Rows of <paramref name="Table"/> whose <paramref name="TimeColumn"/> is before the cut-off go.</summary>
    public sealed record TableCutoff(string Table, string TimeColumn, long CutoffUnixNanos);

    /// <summary>
    /// Raw data and 10-second rollups are kept <see cref="StorageOptions.RetentionDays"/>; 1-minute and 1-hour
    /// rollups <see cref="StorageOptions.RollupRetentionDays"/>, so long-range views outlive the raw data.
    /// Cut-offs fall on UTC midnight, so PostgreSQL drops whole daily partitions.
    /// </summary>
    public static RetentionPolicy For(StorageOptions options, DateTimeOffset now)
    {
        var raw = MidnightNanos(now.AddDays(-options.RetentionDays));
        var rollups = MidnightNanos(now.AddDays(-Math.Max(options.RollupRetentionDays, options.RetentionDays)));
        return new RetentionPolicy(
        [
            new("spans", "start_unix_nano", raw),
            new("logs", "timestamp_unix_nano", raw),
            new("metric_points", "time_unix_nano", raw),
            new(SpanRollupResolutions.TenSeconds.Table, "bucket_start_unix_nano", raw),
            new(SpanRollupResolutions.OneMinute.Table, "bucket_start_unix_nano", rollups),
            new(SpanRollupResolutions.OneHour.Table, "bucket_start_unix_nano", rollups),
        ]);
    }

    private static long MidnightNanos(DateTimeOffset time) =>
        (new DateTimeOffset(time.UtcDateTime.Date, TimeSpan.Zero) - DateTimeOffset.UnixEpoch).Ticks * 100;
}

/// <summary>What a retention pass removed from one table.</summary>
public sealed record RetentionResult(string Table, long RowsDeleted, IReadOnlyList<string> PartitionsDropped);

namespace Observability.Core.Rollups;

/// <summary>A bucket width of the span rollups and the table that holds it.</summary>
public sealed record SpanRollupResolution(TimeSpan Width, string Table)
{
    public long WidthNanos => Width.Ticks * 100;

    /// <summary>The start of the bucket that holds <paramref name="unixNanos"/>.</summary>
    public long BucketOf(long unixNanos) => unixNanos - (((unixNanos % WidthNanos) + WidthNanos) % WidthNanos);
}

/// <summary>The rollup resolutions: 10-second buckets written at ingest, downsampled to 1 minute and 1 hour.</summary>
public static class SpanRollupResolutions
{
    public static readonly SpanRollupResolution TenSeconds = new(TimeSpan.FromSeconds(10), "span_rollups_10s");
    public static readonly SpanRollupResolution OneMinute = new(TimeSpan.FromMinutes(1), "span_rollups_1m");
    public static readonly SpanRollupResolution OneHour = new(TimeSpan.FromHours(1), "span_rollups_1h");

    public static readonly IReadOnlyList<SpanRollupResolution> All = [TenSeconds, OneMinute, OneHour];
}

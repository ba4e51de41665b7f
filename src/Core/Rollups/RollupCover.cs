using Observability.Core.Rollups;

namespace Observability.Core.Rollups;

/// <summary>A stretch of time read from one rollup resolution.</summary>
public sealed record RollupSegment(SpanRollupResolution Resolution, long FromUnixNanos, long ToUnixNanos);

/// <summary>
/// Covers a time window with the fewest rollup rows: whole hours from the 1-hour rollups, the minutes around
/// them from the 1-minute rollups, and the 10-second buckets at the edges.
/// </summary>
public static class RollupCover
{
    /// <summary>Segments covering [from, to) once both are rounded out to 10-second buckets, in time order.</summary>
    public static IReadOnlyList<RollupSegment> Segments(long fromUnixNanos, long toUnixNanos)
    {
        var finest = SpanRollupResolutions.All[0];
        var from = finest.BucketOf(fromUnixNanos);
        var to = CeilingTo(finest, toUnixNanos);
        return Cover(from, to, SpanRollupResolutions.All.Count - 1);
    }

    /// <summary>The coarsest resolution whose buckets divide <paramref name="step"/>, or null when none does.</summary>
    public static SpanRollupResolution? ResolutionForStep(TimeSpan step) =>
        SpanRollupResolutions.All.LastOrDefault(resolution => step.Ticks % resolution.Width.Ticks == 0);

    public static long CeilingTo(SpanRollupResolution resolution, long unixNanos)
    {
        var floor = resolution.BucketOf(unixNanos);
        return floor == unixNanos ? floor : floor + resolution.WidthNanos;
    }

    private static List<RollupSegment> Cover(long from, long to, int level)
    {
        if (from >= to)
        {
            return [];
        }
        var resolution = SpanRollupResolutions.All[level];
        if (level == 0)
        {
            return [new RollupSegment(resolution, from, to)];
        }
        var innerFrom = CeilingTo(resolution, from);
        var innerTo = resolution.BucketOf(to);
        if (innerFrom >= innerTo)
        {
            return Cover(from, to, level - 1);
        }
        return [.. Cover(from, innerFrom, level - 1), new RollupSegment(resolution, innerFrom, innerTo), .. Cover(innerTo, to, level - 1)];
    }
}

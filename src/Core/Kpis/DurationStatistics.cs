namespace Observability.Core.Kpis;

/// <summary>Mean, median and 90th percentile of a set of durations, e.g. the incidents' times to detect.</summary>
public sealed record DurationStatistics(int Count, TimeSpan Mean, TimeSpan Median, TimeSpan P90)
{
    /// <summary>Null for no durations. Median and p90 interpolate linearly between closest ranks.</summary>
    public static DurationStatistics? Of(IEnumerable<TimeSpan> durations)
    {
        var sorted = durations.Select(d => d.Ticks).Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }
        return new DurationStatistics(
            sorted.Length,
            TimeSpan.FromTicks((long)sorted.Average(t => (double)t)),
            TimeSpan.FromTicks(Percentile(sorted, 0.5)),
            TimeSpan.FromTicks(Percentile(sorted, 0.9)));
    }

    private static long Percentile(long[] sorted, double q)
    {
        var rank = q * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return (long)Math.Round(sorted[low] + (sorted[high] - sorted[low]) * (rank - low));
    }
}

using Observability.Core.Sketches;

namespace Observability.Core.Alerting.Slo;

/// <summary>Counting from a latency sketch: how many of its values are at or under a threshold.</summary>
public static class LatencySketchRanks
{
    /// <summary>
    /// The number of values at or under <paramref name="threshold"/>. Exact for thresholds below Min or at or above
    /// Max; otherwise each value counts by the sketch's estimate of it, so only values within the sketch's relative
    /// error of the threshold can be counted on the wrong side.
    /// </summary>
    /// <remarks>
    /// Found by binary search over ranks with <see cref="LatencySketch.Quantile"/>, which is monotonic in the rank: the
    /// sketch keeps its buckets private, and about 40 quantile look-ups are cheap next to reading the rollups.
    /// </remarks>
    public static long CountAtOrBelow(this LatencySketch sketch, double threshold)
    {
        var count = sketch.Count;
        if (count == 0 || threshold < sketch.Min)
        {
            return 0;
        }
        if (threshold >= sketch.Max)
        {
            return count;
        }
        // Invariant: the value at rank lo is at or under the threshold (rank 0 is Min), the value at rank hi is over it.
        long lo = 0, hi = count - 1;
        while (hi - lo > 1)
        {
            var mid = lo + (hi - lo) / 2;
            if (ValueAtRank(sketch, mid, count) <= threshold)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        return lo + 1;
    }

    // Quantile(q) reads rank ⌈q·n⌉ − 1; q = (rank + ½)/n lands on the rank itself whatever the rounding of q·n.
    private static double ValueAtRank(LatencySketch sketch, long rank, long count) => sketch.Quantile((rank + 0.5) / count);
}

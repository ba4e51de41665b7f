namespace Observability.Dashboard.Reports;

/// <summary>A point of a chart: a time and a value, or no value (a gap, never drawn as zero).</summary>
public readonly record struct ChartPoint(DateTimeOffset At, double? Value);

/// <summary>Thins a long series to what a chart can show, keeping the value that matters in each stretch.</summary>
public static class ChartPoints
{
    /// <summary>About one point per two pixels of a page-wide chart.</summary>
    public const int MaxPoints = 400;

    /// <summary>
    /// At most <paramref name="maxPoints"/> points: consecutive samples are grouped and each group is drawn as its
    /// <paramref name="pick"/> of the values (a gap when none has one), at the time of the group's last sample.
    /// </summary>
    public static IReadOnlyList<ChartPoint> Thin(IReadOnlyList<ChartPoint> points, Func<IEnumerable<double>, double> pick, int maxPoints = MaxPoints)
    {
        if (points.Count <= maxPoints)
        {
            return points;
        }
        var groupSize = (points.Count + maxPoints - 1) / maxPoints;
        var thinned = new List<ChartPoint>(maxPoints);
        for (var start = 0; start < points.Count; start += groupSize)
        {
            var group = points.Skip(start).Take(groupSize).ToList();
            var values = group.Where(p => p.Value is not null).Select(p => p.Value!.Value).ToList();
            thinned.Add(new ChartPoint(group[^1].At, values.Count == 0 ? null : pick(values)));
        }
        return thinned;
    }

    /// <summary>How many samples each point stands for after <see cref="Thin"/>.</summary>
    public static int GroupSize(int samples, int maxPoints = MaxPoints) => samples <= maxPoints ? 1 : (samples + maxPoints - 1) / maxPoints;
}

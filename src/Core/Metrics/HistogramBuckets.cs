using System.Text.Json;
using Observability.Core.Telemetry;

namespace Observability.Core.Metrics;

/// <summary>
/// The bucket counts of one histogram point, or of an increment or merge of points: what quantiles are computed
/// from. Counts are doubles, exact to 2^53 observations.
/// </summary>
public abstract class HistogramBuckets
{
    public abstract double TotalCount { get; }

    /// <summary>The buckets of a histogram or exponential histogram point; null for other types or a point without buckets.</summary>
    public static HistogramBuckets? Parse(MetricType type, string? dataJson)
    {
        if (dataJson is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(dataJson);
        return type switch
        {
            MetricType.Histogram => ExplicitBuckets.Parse(document.RootElement),
            MetricType.ExponentialHistogram => ExponentialBuckets.Parse(document.RootElement),
            _ => null,
        };
    }

    /// <summary>This minus an earlier point of the same cumulative series; null when a bucket went down or the layouts cannot be compared (a reset).</summary>
    public abstract HistogramBuckets? Subtract(HistogramBuckets earlier);

    /// <summary>The q-quantile (0 &lt;= q &lt;= 1); null when there are no observations.</summary>
    public abstract double? Quantile(double q);

    /// <summary>The sum of several increments; all of one kind, as one metric's points are.</summary>
    public static HistogramBuckets? Merge(IReadOnlyList<HistogramBuckets> parts) => parts.Count switch
    {
        0 => null,
        1 => parts[0],
        _ => parts[0] switch
        {
            ExplicitBuckets => ExplicitBuckets.Merge(parts.Cast<ExplicitBuckets>().ToList()),
            ExponentialBuckets => ExponentialBuckets.Merge(parts.Cast<ExponentialBuckets>().ToList()),
            _ => null,
        },
    };

    internal static double ReadDouble(JsonElement element) => AttributeJson.ToValue(element) switch
    {
        double value => value,
        long value => value,
        _ => double.NaN,
    };
}

/// <summary>
/// Explicit-bucket histogram: bucket i holds (bounds[i-1], bounds[i]], the first from -Inf, the last to +Inf.
/// Quantiles as Prometheus' histogram_quantile computes them.
/// </summary>
public sealed class ExplicitBuckets(double[] bounds, double[] counts) : HistogramBuckets
{
    public double[] Bounds { get; } = bounds;

    public double[] Counts { get; } = counts;

    public override double TotalCount => Counts.Sum();

    public static ExplicitBuckets? Parse(JsonElement data)
    {
        if (!data.TryGetProperty("bucketCounts", out var countsElement) || countsElement.GetArrayLength() == 0)
        {
            return null;
        }
        var bounds = data.TryGetProperty("explicitBounds", out var boundsElement) ? boundsElement.EnumerateArray().Select(ReadDouble).ToArray() : [];
        var counts = countsElement.EnumerateArray().Select(c => c.GetDouble()).ToArray();
        return counts.Length == bounds.Length + 1 ? new ExplicitBuckets(bounds, counts) : null;
    }

    public override HistogramBuckets? Subtract(HistogramBuckets earlier)
    {
        if (earlier is not ExplicitBuckets previous || !previous.Bounds.AsSpan().SequenceEqual(Bounds))
        {
            return null;
        }
        var difference = new double[Counts.Length];
        for (var i = 0; i < Counts.Length; i++)
        {
            difference[i] = Counts[i] - previous.Counts[i];
            if (difference[i] < 0)
            {
                return null;
            }
        }
        return new ExplicitBuckets(Bounds, difference);
    }

    public override double? Quantile(double q)
    {
        var total = TotalCount;
        // Prometheus needs at least two buckets (one finite bound) to say anything.
        if (total <= 0 || Counts.Length < 2)
        {
            return null;
        }
        var rank = q * total;
        var last = Counts.Length - 1;
        var cumulative = 0.0;
        var below = 0.0;
        var bucket = last;
        for (var i = 0; i < last; i++)
        {
            cumulative += Counts[i];
            if (cumulative >= rank)
            {
                bucket = i;
                break;
            }
            below = cumulative;
        }
        if (bucket == last)
        {
            // In the +Inf bucket: the highest finite bound is all that is known.
            return Bounds[last - 1];
        }
        if (bucket == 0 && Bounds[0] <= 0)
        {
            return Bounds[0];
        }
        var start = bucket == 0 ? 0 : Bounds[bucket - 1];
        var end = Bounds[bucket];
        var count = Counts[bucket];
        return count == 0 ? start : start + (end - start) * ((rank - below) / count);
    }

    /// <summary>
    /// Sums histograms. With different bounds, counts are spread over the union of the bounds in proportion to
    /// width, which is the same uniform-within-a-bucket assumption the quantile makes; an open-ended bucket keeps
    /// its count next to its finite edge.
    /// </summary>
    public static ExplicitBuckets Merge(List<ExplicitBuckets> parts)
    {
        var first = parts[0];
        if (parts.All(p => p.Bounds.AsSpan().SequenceEqual(first.Bounds)))
        {
            var sum = new double[first.Counts.Length];
            foreach (var part in parts)
            {
                for (var i = 0; i < sum.Length; i++)
                {
                    sum[i] += part.Counts[i];
                }
            }
            return new ExplicitBuckets(first.Bounds, sum);
        }
        var union = parts.SelectMany(p => p.Bounds).Where(double.IsFinite).Distinct().Order().ToArray();
        var merged = new double[union.Length + 1];
        foreach (var part in parts)
        {
            for (var i = 0; i < part.Counts.Length; i++)
            {
                var low = i == 0 ? double.NegativeInfinity : part.Bounds[i - 1];
                var high = i == part.Bounds.Length ? double.PositiveInfinity : part.Bounds[i];
                Spread(merged, union, low, high, part.Counts[i]);
            }
        }
        return new ExplicitBuckets(union, merged);
    }

    private static void Spread(double[] merged, double[] union, double low, double high, double count)
    {
        if (count == 0)
        {
            return;
        }
        // Union bucket j holds (union[j-1], union[j]].
        int BucketEndingAt(double bound)
        {
            var at = Array.BinarySearch(union, bound);
            return at >= 0 ? at : ~at;
        }
        if (double.IsNegativeInfinity(low))
        {
            merged[double.IsPositiveInfinity(high) ? union.Length : BucketEndingAt(high)] += count;
            return;
        }
        if (double.IsPositiveInfinity(high))
        {
            merged[BucketEndingAt(low) + 1] += count;
            return;
        }
        for (var j = BucketEndingAt(low) + 1; j <= BucketEndingAt(high); j++)
        {
            var from = Math.Max(low, union[j - 1]);
            var to = Math.Min(high, union[j]);
            if (to > from)
            {
                merged[j] += count * (to - from) / (high - low);
            }
        }
    }
}

/// <summary>
/// Exponential histogram: positive bucket i holds (base^i, base^(i+1)] with base = 2^(2^-scale), negative buckets the
/// mirror image, and a zero bucket [-zeroThreshold, zeroThreshold]. Quantiles interpolate exponentially within a
/// bucket, as Prometheus does for native histograms.
/// </summary>
public sealed class ExponentialBuckets(int scale, double zeroCount, double zeroThreshold, Dictionary<int, double> positive, Dictionary<int, double> negative)
    : HistogramBuckets
{
    public int Scale { get; } = scale;

    public double ZeroCount { get; } = zeroCount;

    public double ZeroThreshold { get; } = zeroThreshold;

    public Dictionary<int, double> Positive { get; } = positive;

    public Dictionary<int, double> Negative { get; } = negative;

    public override double TotalCount => ZeroCount + Positive.Values.Sum() + Negative.Values.Sum();

    public static ExponentialBuckets Parse(JsonElement data)
    {
        static Dictionary<int, double> Buckets(JsonElement data, string name)
        {
            var buckets = new Dictionary<int, double>();
            if (data.TryGetProperty(name, out var side) && side.ValueKind == JsonValueKind.Object)
            {
                var offset = side.GetProperty("offset").GetInt32();
                var index = 0;
                foreach (var count in side.GetProperty("bucketCounts").EnumerateArray())
                {
                    if (count.GetDouble() is > 0 and var value)
                    {
                        buckets[offset + index] = value;
                    }
                    index++;
                }
            }
            return buckets;
        }
        return new ExponentialBuckets(
            data.GetProperty("scale").GetInt32(),
            data.TryGetProperty("zeroCount", out var zero) ? zero.GetDouble() : 0,
            data.TryGetProperty("zeroThreshold", out var threshold) ? ReadDouble(threshold) : 0,
            Buckets(data, "positive"),
            Buckets(data, "negative"));
    }

    /// <summary>The same observations at a coarser scale: each bucket index shifts right by the difference.</summary>
    public ExponentialBuckets DownscaleTo(int scale)
    {
        if (scale >= Scale)
        {
            return this;
        }
        var shift = Scale - scale;
        static Dictionary<int, double> Shift(Dictionary<int, double> buckets, int shift)
        {
            var shifted = new Dictionary<int, double>();
            foreach (var (index, count) in buckets)
            {
                shifted[index >> shift] = shifted.GetValueOrDefault(index >> shift) + count;
            }
            return shifted;
        }
        return new ExponentialBuckets(scale, ZeroCount, ZeroThreshold, Shift(Positive, shift), Shift(Negative, shift));
    }

    public override HistogramBuckets? Subtract(HistogramBuckets earlier)
    {
        if (earlier is not ExponentialBuckets previous || previous.ZeroThreshold != ZeroThreshold)
        {
            return null;
        }
        var scale = Math.Min(Scale, previous.Scale);
        var current = DownscaleTo(scale);
        var before = previous.DownscaleTo(scale);
        static Dictionary<int, double>? Difference(Dictionary<int, double> now, Dictionary<int, double> then)
        {
            var difference = new Dictionary<int, double>();
            foreach (var index in now.Keys.Union(then.Keys))
            {
                var value = now.GetValueOrDefault(index) - then.GetValueOrDefault(index);
                if (value < 0)
                {
                    return null;
                }
                if (value > 0)
                {
                    difference[index] = value;
                }
            }
            return difference;
        }
        var zero = current.ZeroCount - before.ZeroCount;
        return zero >= 0 && Difference(current.Positive, before.Positive) is { } positive && Difference(current.Negative, before.Negative) is { } negative
            ? new ExponentialBuckets(scale, zero, ZeroThreshold, positive, negative)
            : null;
    }

    public static ExponentialBuckets Merge(List<ExponentialBuckets> parts)
    {
        var scale = parts.Min(p => p.Scale);
        var positive = new Dictionary<int, double>();
        var negative = new Dictionary<int, double>();
        var zero = 0.0;
        foreach (var part in parts.Select(p => p.DownscaleTo(scale)))
        {
            zero += part.ZeroCount;
            foreach (var (index, count) in part.Positive)
            {
                positive[index] = positive.GetValueOrDefault(index) + count;
            }
            foreach (var (index, count) in part.Negative)
            {
                negative[index] = negative.GetValueOrDefault(index) + count;
            }
        }
        return new ExponentialBuckets(scale, zero, parts.Max(p => p.ZeroThreshold), positive, negative);
    }

    public override double? Quantile(double q)
    {
        var total = TotalCount;
        if (total <= 0)
        {
            return null;
        }
        var rank = q * total;
        var cumulative = 0.0;
        double? lastNonEmpty = null;
        foreach (var (lower, upper, count, exponential) in BucketsInOrder())
        {
            if (count <= 0)
            {
                continue;
            }
            if (cumulative + count >= rank)
            {
                var fraction = Math.Clamp((rank - cumulative) / count, 0, 1);
                if (!exponential)
                {
                    return lower + (upper - lower) * fraction;
                }
                // Exponential interpolation between the bounds, mirrored for negative buckets.
                return lower > 0
                    ? lower * Math.Pow(upper / lower, fraction)
                    : -(-lower * Math.Pow(upper / lower, fraction));
            }
            cumulative += count;
            lastNonEmpty = upper;
        }
        return lastNonEmpty;
    }

    private IEnumerable<(double Lower, double Upper, double Count, bool Exponential)> BucketsInOrder()
    {
        foreach (var (index, count) in Negative.OrderByDescending(b => b.Key))
        {
            yield return (-Bound(index + 1), -Bound(index), count, true);
        }
        yield return (-ZeroThreshold, ZeroThreshold, ZeroCount, false);
        foreach (var (index, count) in Positive.OrderBy(b => b.Key))
        {
            yield return (Bound(index), Bound(index + 1), count, true);
        }
    }

    /// <summary>base^index = 2^(index * 2^-scale).</summary>
    private double Bound(int index) => Math.Pow(2, Math.ScaleB(index, -Scale));
}

using System.Numerics;

namespace Observability.Core.Sketches;

/// <summary>
/// The OpenTelemetry base-2 exponential bucket mapping: at scale s, bucket i holds magnitudes in
/// (base^i, base^(i+1)] with base = 2^(2^-s), so an exact power of two closes the bucket below it.
/// </summary>
internal static class ExponentialMapping
{
    /// <summary>The specification's scale range; at -10 every double falls into one of three buckets.</summary>
    public const int MinScale = -10;

    public const int MaxScale = 20;

    private const int SignificandWidth = 52;
    private const long SignificandMask = (1L << SignificandWidth) - 1;
    private const int ExponentBias = 1023;

    private static readonly double[] RelativeErrors = BuildPerScale(scale => Math.Tanh(Math.ScaleB(Math.Log(2), -scale - 1)));

    /// <summary>
    /// The bucket index of a positive finite magnitude. Scales ≤ 0 read the IEEE exponent and are exact; positive
    /// scales add a logarithm of the significand, which may misplace a value within about one ulp of a bucket
    /// boundary (the specification allows it) but is exact for powers of two. Both forms give, at scale s - c,
    /// exactly the index at scale s shifted right by c, so adding and downscaling commute.
    /// </summary>
    public static int MapToIndex(double magnitude, int scale)
    {
        var bits = BitConverter.DoubleToInt64Bits(magnitude);
        var rawExponent = (int)(bits >> SignificandWidth);
        var fraction = bits & SignificandMask;
        if (rawExponent == 0)
        {
            // Subnormal: shift the leading one into the implicit-bit position, as for a normal number.
            var shift = BitOperations.LeadingZeroCount((ulong)fraction) - 11;
            fraction = (fraction << shift) & SignificandMask;
            rawExponent = 1 - shift;
        }
        var exponent = rawExponent - ExponentBias;
        if (fraction == 0)
        {
            return scale >= 0 ? (exponent << scale) - 1 : (exponent - 1) >> -scale;
        }
        if (scale <= 0)
        {
            return exponent >> -scale;
        }
        // Log2 of the significand alone keeps every bit of precision for the sub-bucket; it lies in (0, 1].
        var significand = BitConverter.Int64BitsToDouble(fraction | ((long)ExponentBias << SignificandWidth));
        var subBucket = (int)Math.Ceiling(Math.Log2(significand) * (1 << scale)) - 1;
        return (exponent << scale) + subBucket;
    }

    /// <summary>base^index, computed as a power of two times 2^(fraction) so that it neither overflows nor underflows early.</summary>
    public static double LowerBoundary(int index, int scale)
    {
        if (scale <= 0)
        {
            return Math.ScaleB(1.0, index << -scale);
        }
        var subBucket = index & ((1 << scale) - 1);
        return Math.ScaleB(Math.Pow(2.0, Math.ScaleB(subBucket, -scale)), index >> scale);
    }

    /// <summary>
    /// The value reported for every member of bucket <paramref name="index"/>: lower·2·base/(1+base), the harmonic
    /// mean of the bucket's bounds and the point whose worst relative error over the bucket is smallest.
    /// </summary>
    public static double Representative(int index, int scale) =>
        Math.Min(LowerBoundary(index, scale) * (1 + RelativeErrors[scale - MinScale]), double.MaxValue);

    /// <summary>(base-1)/(base+1) = tanh(ln(base)/2): the largest relative distance from a bucket's representative to its members.</summary>
    public static double RelativeError(int scale) => RelativeErrors[scale - MinScale];

    /// <summary>The index of the bucket that holds the smallest positive double at <paramref name="scale"/>.</summary>
    public static int MinIndex(int scale) => MapToIndex(double.Epsilon, scale);

    /// <summary>The index of the bucket that holds the largest finite double at <paramref name="scale"/>.</summary>
    public static int MaxIndex(int scale) => MapToIndex(double.MaxValue, scale);

    private static double[] BuildPerScale(Func<int, double> compute)
    {
        var values = new double[MaxScale - MinScale + 1];
        for (var scale = MinScale; scale <= MaxScale; scale++)
        {
            values[scale - MinScale] = compute(scale);
        }
        return values;
    }
}

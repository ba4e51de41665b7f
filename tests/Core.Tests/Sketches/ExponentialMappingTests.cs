using Observability.Core.Sketches;

namespace Observability.Core.Tests.Sketches;

/// <summary>The bucket mapping against the OpenTelemetry data model's definition: bucket i holds (base^i, base^(i+1)].</summary>
public sealed class ExponentialMappingTests
{
    [Fact]
    public void An_exact_power_of_two_closes_the_bucket_below_it_at_every_scale()
    {
        for (var scale = -10; scale <= 20; scale++)
        {
            for (var exponent = -1074; exponent <= 1023; exponent += 7)
            {
                var expected = scale >= 0 ? (exponent << scale) - 1 : (exponent - 1) >> -scale;
                Assert.Equal(expected, ExponentialMapping.MapToIndex(Math.ScaleB(1, exponent), scale));
            }
        }
        Assert.Equal(-1, ExponentialMapping.MapToIndex(1.0, 0));
        Assert.Equal(0, ExponentialMapping.MapToIndex(2.0, 0));
        Assert.Equal(1, ExponentialMapping.MapToIndex(Math.BitIncrement(2.0), 0));
    }

    [Fact]
    public void Scale_three_matches_the_specifications_table_of_lower_boundaries()
    {
        double[] table = [1, 1.09051, 1.18921, 1.29684, 1.41421, 1.54221, 1.68179, 1.83401];
        for (var index = 0; index < table.Length; index++)
        {
            Assert.Equal(table[index], ExponentialMapping.LowerBoundary(index, 3), 5e-6);
            Assert.Equal(index, ExponentialMapping.MapToIndex(table[index] * (1 + 1e-5), 3));
            Assert.Equal(index, ExponentialMapping.MapToIndex(ExponentialMapping.LowerBoundary(index + 1, 3) * (1 - 1e-12), 3));
        }
    }

    [Fact]
    public void Values_just_above_and_below_a_boundary_fall_on_either_side_of_it()
    {
        var random = new Random(3);
        for (var n = 0; n < 100_000; n++)
        {
            // Below scale -6 the whole double range is a handful of buckets.
            var scale = random.Next(-6, 21);
            var index = random.Next(ExponentialMapping.MinIndex(scale) + 2, ExponentialMapping.MaxIndex(scale) - 1);
            var boundary = ExponentialMapping.LowerBoundary(index, scale);
            if (boundary < 1e-300 || boundary > 1e300)
            {
                continue;
            }
            Assert.Equal(index, ExponentialMapping.MapToIndex(boundary * (1 + 1e-12), scale));
            Assert.Equal(index - 1, ExponentialMapping.MapToIndex(boundary * (1 - 1e-12), scale));
        }
    }

    [Fact]
    public void Downscaling_an_index_gives_the_index_at_the_lower_scale()
    {
        // Perfect subsetting, which makes adding then downscaling the same as adding at the final scale.
        var random = new Random(4);
        for (var n = 0; n < 200_000; n++)
        {
            var value = Math.ScaleB(1 + random.NextDouble(), random.Next(-1074, 1024));
            if (value == 0 || !double.IsFinite(value))
            {
                continue;
            }
            var scale = random.Next(-9, 21);
            var change = random.Next(1, scale + 11);
            Assert.Equal(ExponentialMapping.MapToIndex(value, scale) >> change, ExponentialMapping.MapToIndex(value, scale - change));
        }
    }

    [Fact]
    public void Subnormal_values_get_their_own_indexes()
    {
        Assert.Equal(-1075, ExponentialMapping.MapToIndex(double.Epsilon, 0));
        Assert.Equal(-1024, ExponentialMapping.MapToIndex(Math.ScaleB(1, -1023), 0));
        Assert.Equal(-1023, ExponentialMapping.MapToIndex(Math.BitDecrement(Math.ScaleB(1, -1022)), 0));
        Assert.Equal(1023, ExponentialMapping.MapToIndex(double.MaxValue, 0));
        Assert.Equal(-2, ExponentialMapping.MinIndex(-10));
        Assert.Equal(0, ExponentialMapping.MaxIndex(-10));
        Assert.Equal((1024 << 20) - 1, ExponentialMapping.MaxIndex(20));
        Assert.Equal((-1074 << 20) - 1, ExponentialMapping.MinIndex(20));
    }

    [Fact]
    public void The_representative_is_inside_its_bucket_and_equally_far_from_both_ends()
    {
        foreach (var scale in new[] { -3, 0, 1, 4, 8, 12, 20 })
        {
            foreach (var index in new[] { -500, -1, 0, 1, 37, 1000 })
            {
                var lower = ExponentialMapping.LowerBoundary(index, scale);
                var upper = ExponentialMapping.LowerBoundary(index + 1, scale);
                if (lower < 1e-300 || upper > 1e300)
                {
                    continue;
                }
                var at = ExponentialMapping.Representative(index, scale);
                var alpha = ExponentialMapping.RelativeError(scale);
                Assert.InRange(at, lower, upper);
                Assert.Equal(alpha, (at - lower) / lower, 1e-9);
                Assert.Equal(alpha, (upper - at) / upper, 1e-9);
            }
        }
    }
}

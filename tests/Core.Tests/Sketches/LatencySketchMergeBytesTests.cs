using Observability.Core.Sketches;

namespace Observability.Core.Tests.Sketches;

public sealed class LatencySketchMergeBytesTests
{
    [Fact]
    public void Merging_stored_bytes_equals_merging_the_decoded_sketch()
    {
        var random = new Random(11);
        var stored = Enumerable.Range(0, 50).Select(i =>
        {
            var sketch = new LatencySketch(maxScale: 7);
            for (var n = 0; n < 200; n++)
            {
                sketch.Add(Math.Exp(2 + random.NextDouble() * (i % 7)));
            }
            return sketch.ToBytes();
        }).ToList();

        var fromBytes = new LatencySketch(maxScale: 7);
        var decoded = new LatencySketch(maxScale: 7);
        foreach (var bytes in stored)
        {
            fromBytes.MergeBytes(bytes);
            decoded.Merge(LatencySketch.FromBytes(bytes));
        }

        Assert.Equal(decoded.ToBytes(), fromBytes.ToBytes());
    }

    [Fact]
    public void Corrupt_bytes_are_refused_by_merge_bytes_too_and_leave_the_target_usable()
    {
        var target = new LatencySketch();
        target.Add(5);

        Assert.Throws<FormatException>(() => target.MergeBytes([9, 0]));

        Assert.Equal(1, target.Count);
        Assert.Equal(5, target.Quantile(0.5));
    }
}

using BenchmarkDotNet.Attributes;
using Observability.Core.Sketches;

namespace Observability.Bench.Sketches;

/// <summary>The sketch's hot paths: adding at ingest, merging rollups at query time, and the storage form.</summary>
[MemoryDiagnoser]
public class LatencySketchBenchmarks
{
    private const int ValueCount = 1_000_000;

    private double[] _values = [];
    private LatencySketch _warm = new();
    private LatencySketch[] _partials = [];
    private byte[][] _stored = [];
    private byte[] _bytes = [];
    private ulong[] _pointCounts = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261125);
        // Lognormal milliseconds, median 20 ms: the shape of a typical service's latencies.
        _values = new double[ValueCount];
        for (var i = 0; i < _values.Length; i++)
        {
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            _values[i] = 20 * Math.Exp(normal);
        }
        _warm = Fill(new LatencySketch(), _values);
        _partials = [.. _values.Chunk(ValueCount / 360).Select(chunk => Fill(new LatencySketch(), chunk))];
        _stored = [.. _partials.Select(p => p.ToBytes())];
        _bytes = _warm.ToBytes();
        // An OpenTelemetry SDK's default point: 160 buckets.
        _pointCounts = [.. Enumerable.Range(0, 160).Select(i => (ulong)(1 + (i * 37 % 100)))];
    }

    /// <summary>One value into a sketch whose buckets already cover the data: the ingest path (per value).</summary>
    [Benchmark(OperationsPerInvoke = ValueCount)]
    public void Add()
    {
        _warm.Clear();
        foreach (var value in _values)
        {
            _warm.Add(value);
        }
    }

    /// <summary>An hour of 10-second rollups (360 stored sketches) read and merged: one p99 over an hour.</summary>
    [Benchmark]
    public double MergeAnHourOfStoredRollups()
    {
        var merged = new LatencySketch();
        foreach (var bytes in _stored)
        {
            merged.Merge(LatencySketch.FromBytes(bytes));
        }
        return merged.Quantile(0.99);
    }

    /// <summary>The same merge from sketches already in memory.</summary>
    [Benchmark]
    public double MergeAnHourOfRollupsInMemory()
    {
        var merged = new LatencySketch();
        foreach (var partial in _partials)
        {
            merged.Merge(partial);
        }
        return merged.Quantile(0.99);
    }

    [Benchmark]
    public double QuantileOfAMillionValues() => _warm.Quantile(0.99);

    [Benchmark]
    public byte[] ToBytesOfAMillionValues() => _warm.ToBytes();

    [Benchmark]
    public long FromBytesOfAMillionValues() => LatencySketch.FromBytes(_bytes).Count;

    [Benchmark]
    public long MergeAnOtlpPoint()
    {
        var sketch = new LatencySketch();
        var count = 0UL;
        foreach (var c in _pointCounts)
        {
            count += c;
        }
        sketch.MergeExponentialHistogram(4, 0, 0, 60, _pointCounts, 0, [], count, null, null, null);
        return sketch.Count;
    }

    private static LatencySketch Fill(LatencySketch sketch, IEnumerable<double> values)
    {
        foreach (var value in values)
        {
            sketch.Add(value);
        }
        return sketch;
    }
}

namespace Observability.Core.Tests.Sketches;

/// <summary>Fixed-seed latency samples (milliseconds) and their brute-force quantiles, generated once per test run.</summary>
internal static class SketchSamples
{
    public const int Size = 1_000_000;

    public static readonly double[] AcceptanceQuantiles = [0.5, 0.9, 0.99, 0.999];

    public static readonly string[] Names = ["lognormal", "bimodal", "uniform", "constant"];

    private static readonly Lazy<Dictionary<string, Sample>> Samples = new(Generate);

    public static Sample Get(string name) => Samples.Value[name];

    /// <summary>The nearest-rank quantile the sketch is measured against: the sorted value at 0-based rank ⌈q·n⌉ − 1.</summary>
    public static double NearestRank(double[] sorted, double q) =>
        sorted[Math.Clamp((long)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>0.001, 0.002, ..., 0.999 plus the acceptance quantiles' neighbours in the tail.</summary>
    public static IEnumerable<double> Grid() =>
        Enumerable.Range(0, 1001).Select(i => i / 1000.0).Concat([0.9995, 0.9999, 0.99999]);

    public static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static Dictionary<string, Sample> Generate()
    {
        var random = new Random(20261125);
        var lognormal = new double[Size];
        var bimodal = new double[Size];
        var uniform = new double[Size];
        for (var i = 0; i < Size; i++)
        {
            // A service with a 20 ms median and a long tail.
            lognormal[i] = 20 * Math.Exp(Normal(random));
            // Cache hits around 2 ms, misses around 150 ms.
            bimodal[i] = random.NextDouble() < 0.8 ? 2 * Math.Exp(0.3 * Normal(random)) : 150 * Math.Exp(0.25 * Normal(random));
            uniform[i] = 1 + (999 * random.NextDouble());
        }
        var constant = Enumerable.Repeat(42.5, Size).ToArray();
        return new Dictionary<string, Sample>
        {
            ["lognormal"] = new(lognormal),
            ["bimodal"] = new(bimodal),
            ["uniform"] = new(uniform),
            ["constant"] = new(constant),
        };
    }

    public sealed class Sample
    {
        public Sample(double[] values)
        {
            Values = values;
            Sorted = [.. values];
            Array.Sort(Sorted);
        }

        public double[] Values { get; }

        public double[] Sorted { get; }
    }
}

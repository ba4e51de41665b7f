using Observability.Core.Kpis;

namespace Observability.Core.Roadmap;

/// <summary>Where a target stands: its KPI met it, missed it, or has no data to say.</summary>
public enum TargetStatus
{
    Met,
    Missed,
    NoData,
}

/// <summary>A target with the measurement it was judged on.</summary>
public sealed record TargetVerdict(PhaseTarget Target, KpiMeasurement Measurement, TargetStatus Status)
{
    /// <summary>Plain wording for people: "p99 412 ms, target &lt; 500 ms", or the no-data reason.</summary>
    public string Summary => Measurement.Value is { } value
        ? $"{Target.Text}: {Format(value)} {Target.Unit}, target {Target.Describe()}"
        : $"{Target.Text}: no data ({Measurement.NoDataReason})";

    private static string Format(double value) =>
        value.ToString(Math.Abs(value) >= 100 ? "N0" : Math.Abs(value) >= 1 ? "0.##" : "0.####", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A phase's targets (or the end state's, with no phase number) and how many are met.</summary>
public sealed record PhaseVerdict(int? PhaseNumber, string Name, IReadOnlyList<TargetVerdict> Targets)
{
    public int MetCount => Targets.Count(t => t.Status == TargetStatus.Met);

    public int MissedCount => Targets.Count(t => t.Status == TargetStatus.Missed);

    public int NoDataCount => Targets.Count(t => t.Status == TargetStatus.NoData);

    public bool AllMet => Targets.Count > 0 && MetCount == Targets.Count;

    /// <summary>"met" when every target is met, "missed" when any is missed, else "no-data".</summary>
    public string Verdict => AllMet ? "met" : MissedCount > 0 ? "missed" : "no-data";

    public string Summary => $"{MetCount} of {Targets.Count} targets met" +
        (MissedCount > 0 ? $", {MissedCount} missed" : "") + (NoDataCount > 0 ? $", {NoDataCount} without data" : "");
}

/// <summary>Every phase's verdict over one window, and the current phase: the highest phase whose targets are all met.</summary>
public sealed record RoadmapVerdict(KpiWindow Window, int? CurrentPhase, IReadOnlyList<PhaseVerdict> Phases, PhaseVerdict EndState);

/// <summary>Judges the roadmap's targets against measurements of their KPIs.</summary>
public static class RoadmapEvaluator
{
    public static TargetVerdict Judge(PhaseTarget target, KpiMeasurement measurement) => new(
        target,
        measurement,
        measurement.Value is { } value ? target.IsMetBy(value) ? TargetStatus.Met : TargetStatus.Missed : TargetStatus.NoData);

    /// <summary>
    /// Verdicts over a window from the KPI series: a target is met when at least <paramref name="requiredShare"/> of
    /// the samples with a value met it (it held that share of the time); its actual is the median sample.
    /// </summary>
    public static RoadmapVerdict EvaluateSeries(
        RoadmapDefinition roadmap, KpiWindow window, IReadOnlyDictionary<string, IReadOnlyList<KpiSample>> samples, double requiredShare = 0.99)
    {
        TargetVerdict Judge(PhaseTarget target)
        {
            var series = samples.TryGetValue(target.Metric, out var found) ? found : [];
            var values = series.Where(s => s.Measurement.Value is not null).Select(s => s.Measurement.Value!.Value).Order().ToList();
            if (values.Count == 0)
            {
                var reason = series.Count == 0
                    ? $"{target.Metric} was not measured {window.Describe()}"
                    : $"none of {series.Count} samples {window.Describe()} had a value; the latest said: {series[^1].Measurement.NoDataReason}";
                return new TargetVerdict(target, KpiMeasurement.NoData(target.Metric, window, target.Unit, reason), TargetStatus.NoData);
            }
            var met = values.Count(target.IsMetBy);
            var share = (double)met / values.Count;
            var median = values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
            var detail = $"median of {values.Count} samples; target met in {share * 100:0.##}% of them (needs {requiredShare * 100:0.##}%)";
            return new TargetVerdict(target, KpiMeasurement.Measured(target.Metric, window, median, target.Unit, detail),
                share >= requiredShare ? TargetStatus.Met : TargetStatus.Missed);
        }

        return Assemble(roadmap, window, Judge);
    }

    /// <param name="measurements">One measurement per KPI id; a KPI without one is no data.</param>
    public static RoadmapVerdict Evaluate(RoadmapDefinition roadmap, KpiWindow window, IReadOnlyDictionary<string, KpiMeasurement> measurements)
    {
        KpiMeasurement Of(PhaseTarget target) => measurements.TryGetValue(target.Metric, out var measurement)
            ? measurement
            : KpiMeasurement.NoData(target.Metric, window, target.Unit, $"{target.Metric} has not been measured {window.Describe()}");

        return Assemble(roadmap, window, target => Judge(target, Of(target)));
    }

    private static RoadmapVerdict Assemble(RoadmapDefinition roadmap, KpiWindow window, Func<PhaseTarget, TargetVerdict> judge)
    {
        var phases = roadmap.Phases
            .Select(phase => new PhaseVerdict(phase.Number, phase.Name, [.. phase.Targets.Select(judge)]))
            .ToList();
        var endState = new PhaseVerdict(null, "End state", [.. roadmap.EndState.Select(judge)]);
        var current = phases.LastOrDefault(p => p.AllMet)?.PhaseNumber;
        return new RoadmapVerdict(window, current, phases, endState);
    }
}

namespace Observability.Core.Roadmap;

/// <summary>The customer's roadmap as data: phases with their targets, the end state, and the infrastructure table.</summary>
public sealed record RoadmapDefinition(
    IReadOnlyList<RoadmapPhase> Phases,
    IReadOnlyList<PhaseTarget> EndState,
    IReadOnlyList<InfrastructureTarget> Infrastructure,
    string SourcePath)
{
    /// <summary>Every target: the phases' in order, then the end state's.</summary>
    public IEnumerable<PhaseTarget> AllTargets => Phases.SelectMany(phase => phase.Targets).Concat(EndState);

    public RoadmapPhase? Phase(int number) => Phases.FirstOrDefault(phase => phase.Number == number);

    public InfrastructureTarget? InfrastructureFor(int phase) => Infrastructure.FirstOrDefault(row => row.Phase == phase);
}

/// <summary>One phase of the roadmap, e.g. "Phase 2: Horizontal Scaling (Months 3-4)".</summary>
public sealed record RoadmapPhase(int Number, string Name, int FirstMonth, int LastMonth, IReadOnlyList<PhaseTarget> Targets);

/// <summary>
/// One target metric, e.g. "Response time p99: &lt;500ms". <see cref="Threshold"/> is in the KPI's own unit
/// (<see cref="KpiDefinition.Unit"/>), converted from the unit the file used. A change target ("-50% from phase 1")
/// names the phase whose recorded baseline it compares against.
/// </summary>
public sealed record PhaseTarget(
    string Id,
    int? Phase,
    string Metric,
    TargetComparator Comparator,
    double Threshold,
    string Unit,
    string Text,
    int? BaselinePhase)
{
    public bool IsMetBy(double actual) => Comparator.Holds(actual, Threshold);

    /// <summary>Plain wording of the target, e.g. "&lt; 500 ms".</summary>
    public string Describe() => $"{Comparator.Symbol()} {Threshold:0.###} {Unit}" + (BaselinePhase is { } baseline ? $" from phase {baseline}" : "");
}

/// <summary>A row of the roadmap's "Infrastructure Targets by Phase" table.</summary>
public sealed record InfrastructureTarget(
    int Phase,
    int MinimumInstances,
    bool InstancesPerRegion,
    string Database,
    string Cache,
    string Cdn,
    decimal MonthlyCostUsd);

/// <summary>How an actual value is compared to a target's threshold.</summary>
public enum TargetComparator
{
    LessThan,
    LessOrEqual,
    GreaterThan,
    GreaterOrEqual,
}

public static class TargetComparators
{
    /// <summary>The spellings a roadmap file may use.</summary>
    public static readonly IReadOnlyList<string> Accepted = ["<", "<=", ">", ">="];

    public static bool TryParse(string text, out TargetComparator comparator)
    {
        switch (text.Trim())
        {
            case "<": comparator = TargetComparator.LessThan; return true;
            case "<=": comparator = TargetComparator.LessOrEqual; return true;
            case ">": comparator = TargetComparator.GreaterThan; return true;
            case ">=": comparator = TargetComparator.GreaterOrEqual; return true;
            default: comparator = default; return false;
        }
    }

    public static string Symbol(this TargetComparator comparator) => comparator switch
    {
        TargetComparator.LessThan => "<",
        TargetComparator.LessOrEqual => "<=",
        TargetComparator.GreaterThan => ">",
        TargetComparator.GreaterOrEqual => ">=",
        _ => throw new ArgumentOutOfRangeException(nameof(comparator)),
    };

    public static bool Holds(this TargetComparator comparator, double actual, double threshold) => comparator switch
    {
        TargetComparator.LessThan => actual < threshold,
        TargetComparator.LessOrEqual => actual <= threshold,
        TargetComparator.GreaterThan => actual > threshold,
        TargetComparator.GreaterOrEqual => actual >= threshold,
        _ => throw new ArgumentOutOfRangeException(nameof(comparator)),
    };
}

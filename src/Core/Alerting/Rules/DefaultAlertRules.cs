using System.Globalization;
using Observability.Core.Alerting.Slo;
using Observability.Core.Roadmap;

namespace Observability.Core.Alerting.Rules;

/// <summary>
/// The rules every installation gets, derived from the roadmap: a ticket per target of the current phase that is missed,
/// and pages for a service's error ratio and p99. A rule of the alerts file with the same name replaces them.
/// </summary>
public static class DefaultAlertRules
{
    public const string RoadmapTargetMissed = "RoadmapTargetMissed";
    public const string HighErrorRatio = "HighErrorRatio";
    public const string HighLatencyP99 = "HighLatencyP99";

    /// <summary>How long a roadmap target must stay missed before its ticket fires.</summary>
    public static readonly TimeSpan TargetMissedFor = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The default rules for <paramref name="phase"/>: one <see cref="RoadmapTargetMissed"/> per target of the phase,
    /// measured over the KPI job's <paramref name="measurementWindow"/>; <see cref="HighErrorRatio"/> (error ratio
    /// above 5% over 30 s, at once); and <see cref="HighLatencyP99"/> (p99 beyond the p99 target in force at the phase,
    /// over 1 min, for 1 min), left out when no phase up to it has a p99 target.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The roadmap has no such phase.</exception>
    public static IReadOnlyList<AlertRule> For(RoadmapDefinition roadmap, int phase, TimeSpan measurementWindow)
    {
        var current = roadmap.Phase(phase) ?? throw new ArgumentOutOfRangeException(nameof(phase), phase,
            $"the roadmap has phases 1 to {roadmap.Phases[^1].Number}");
        var rules = current.Targets.Select(target => TargetMissed(current, target, measurementWindow)).ToList();
        rules.Add(ErrorRatio());
        if (P99TargetInForce(roadmap, phase) is { } p99)
        {
            rules.Add(LatencyP99(p99));
        }
        return rules;
    }

    /// <summary>
    /// The rules to evaluate: the file's rules, each default whose name no file rule takes, and the burn-rate rules of
    /// each of the file's SLOs (<see cref="SloAlertRules"/>) unless a file rule takes their name.
    /// </summary>
    public static IReadOnlyList<AlertRule> Merge(IReadOnlyList<AlertRule> defaults, AlertRulesFile file)
    {
        var taken = file.Rules.Select(rule => rule.Name).ToHashSet(StringComparer.Ordinal);
        return [
            .. file.Rules,
            .. defaults.Where(rule => !taken.Contains(rule.Name)),
            .. file.Slos.SelectMany(SloAlertRules.For).Where(rule => !taken.Contains(rule.Name)),
        ];
    }

    /// <summary>The comparator under which a value misses a target: "&lt; 500" is missed at ≥ 500.</summary>
    public static TargetComparator Inverse(TargetComparator comparator) => comparator switch
    {
        TargetComparator.LessThan => TargetComparator.GreaterOrEqual,
        TargetComparator.LessOrEqual => TargetComparator.GreaterThan,
        TargetComparator.GreaterThan => TargetComparator.LessOrEqual,
        TargetComparator.GreaterOrEqual => TargetComparator.LessThan,
        _ => throw new ArgumentOutOfRangeException(nameof(comparator)),
    };

    /// <summary>The p99 target of the phase, or else of the latest earlier phase that set one.</summary>
    public static PhaseTarget? P99TargetInForce(RoadmapDefinition roadmap, int phase) =>
        roadmap.Phases
            .Where(p => p.Number <= phase)
            .OrderByDescending(p => p.Number)
            .SelectMany(p => p.Targets)
            .FirstOrDefault(target => target.Metric == KnownKpis.ResponseTimeP99);

    private static AlertRule TargetMissed(RoadmapPhase phase, PhaseTarget target, TimeSpan window) => new()
    {
        Id = $"{RoadmapTargetMissed}:{target.Id}",
        Name = RoadmapTargetMissed,
        Condition = new KpiCondition(target.Metric),
        Comparator = Inverse(target.Comparator),
        Threshold = target.Threshold,
        Window = window,
        For = TargetMissedFor,
        Labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [KnownAlertLabels.Severity] = KnownSeverities.Ticket,
            [KnownAlertLabels.Phase] = phase.Number.ToString(CultureInfo.InvariantCulture),
            [KnownAlertLabels.Target] = target.Id,
            [KnownAlertLabels.Kpi] = target.Metric,
        },
        Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [KnownAlertAnnotations.Summary] = $"Phase {phase.Number} target missed: {target.Text}",
            [KnownAlertAnnotations.Description] = $"{target.Metric} is {{{{ $value }}}} {target.Unit} over the last {AlertDurations.Format(window)}; " +
                $"phase {phase.Number} ({phase.Name}) targets {target.Describe()}.",
        },
    };

    private static AlertRule ErrorRatio() => new()
    {
        Name = HighErrorRatio,
        Condition = new RedCondition(RedSignal.ErrorRatio, null, null),
        Comparator = TargetComparator.GreaterThan,
        Threshold = 0.05,
        Window = TimeSpan.FromSeconds(30),
        // No "for": a burst raises a 30 s trailing ratio for up to 30 s, so waiting would only delay the page, not filter blips.
        For = TimeSpan.Zero,
        Labels = new Dictionary<string, string>(StringComparer.Ordinal) { [KnownAlertLabels.Severity] = KnownSeverities.Page },
        Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [KnownAlertAnnotations.Summary] = "{{ $labels.service }}: error ratio {{ $value }} over 30s (above 0.05)",
            [KnownAlertAnnotations.Description] = "More than 5% of the entry spans (server and consumer) of {{ $labels.service }} ended in error over the last 30 seconds.",
        },
    };

    private static AlertRule LatencyP99(PhaseTarget target) => new()
    {
        Name = HighLatencyP99,
        Condition = new RedCondition(RedSignal.P99, null, null),
        Comparator = Inverse(target.Comparator),
        Threshold = target.Threshold,
        Window = TimeSpan.FromMinutes(1),
        For = TimeSpan.FromMinutes(1),
        Labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [KnownAlertLabels.Severity] = KnownSeverities.Page,
            [KnownAlertLabels.Target] = target.Id,
        },
        Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [KnownAlertAnnotations.Summary] = $"{{{{ $labels.service }}}}: p99 {{{{ $value }}}} ms over 1m, target {target.Describe()}",
            [KnownAlertAnnotations.Description] = $"The p99 duration of the entry spans of {{{{ $labels.service }}}} over the last minute misses the roadmap's target ({target.Text}).",
        },
    };
}

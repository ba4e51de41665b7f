using System.Globalization;
using System.Text.Json.Serialization;
using Observability.Core.Alerting.Slo;
using Observability.Core.Roadmap;

namespace Observability.Core.Alerting.Rules;

/// <summary>
/// An alert rule: a condition measured over <see cref="Window"/>, compared with <see cref="Threshold"/>, that must hold
/// for <see cref="For"/> before the alert fires. <see cref="Labels"/> always carry <c>severity</c>; annotations may hold
/// <c>{{ $value }}</c> and <c>{{ $labels.name }}</c> placeholders, rendered per alert.
/// </summary>
/// <remarks>
/// <see cref="Id"/> tells rules apart that share an alert name (the default <c>RoadmapTargetMissed</c> rules, one per
/// target, and the burn-rate rules of an SLO); it is what <see cref="AlertInstance.RuleName"/> stores. For a rule of
/// the file it is the name itself.
/// </remarks>
public sealed record AlertRule
{
    public required string Name { get; init; }

    public required AlertCondition Condition { get; init; }

    public required TargetComparator Comparator { get; init; }

    public required double Threshold { get; init; }

    /// <summary>How much telemetry one evaluation reads, ending at the evaluation time.</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>How long the condition must hold before a pending alert fires; zero fires at once.</summary>
    public required TimeSpan For { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    private readonly string? _id;

    /// <summary>The rule's identity among the rules evaluated together; <see cref="Name"/> unless set.</summary>
    public string Id
    {
        get => _id ?? Name;
        init => _id = value;
    }

    public string Severity => Labels.TryGetValue(KnownAlertLabels.Severity, out var severity) ? severity : KnownSeverities.Ticket;

    /// <summary>True when <paramref name="value"/> breaks the rule: the comparator holds against the threshold.</summary>
    public bool IsBreachedBy(double value) => Comparator.Holds(value, Threshold);

    /// <summary>"error_ratio of each service over 30s > 0.05 for 10s", for the rules API and logs.</summary>
    public string Describe()
    {
        var threshold = Threshold.ToString("0.#####", CultureInfo.InvariantCulture);
        var holds = For > TimeSpan.Zero ? $" for {AlertDurations.Format(For)}" : "";
        return Condition is SloBurnCondition burn
            ? $"burn rate of SLO {burn.Slo.Name} {Comparator.Symbol()} {threshold} over both {AlertDurations.Format(burn.LongWindow)} and {AlertDurations.Format(burn.ShortWindow)}{holds}"
            : $"{Condition.Describe()} over {AlertDurations.Format(Window)} {Comparator.Symbol()} {threshold}{holds}";
    }
}

/// <summary>What a rule measures: one series, or one per service or label set. JSON names the kind as the rules file does.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(KpiCondition), "kpi")]
[JsonDerivedType(typeof(RedCondition), "red")]
[JsonDerivedType(typeof(MetricCondition), "metric")]
[JsonDerivedType(typeof(SloBurnCondition), "slo_burn")]
public abstract record AlertCondition
{
    public abstract string Describe();
}

/// <summary><c>kpi: &lt;id&gt;</c>: one series, a KPI of <see cref="KnownKpis"/> measured over the rule's window, in the KPI's unit.</summary>
public sealed record KpiCondition(string KpiId) : AlertCondition
{
    public override string Describe() => $"kpi {KpiId} ({KnownKpis.All[KpiId].Unit})";
}

/// <summary>A RED signal from the span rollups: error ratio (0..1), rate (requests/s) or a percentile (ms).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RedSignal>))]
public enum RedSignal
{
    ErrorRatio,
    Rate,
    P50,
    P90,
    P95,
    P99,
}

/// <summary>
/// <c>red: { signal, service?, operation? }</c>: entry spans (server and consumer) from the rollups over the window, one
/// series per service (label <c>service</c>), or only the service given.
/// </summary>
public sealed record RedCondition(RedSignal Signal, string? Service, string? Operation) : AlertCondition
{
    /// <summary>The spellings a rules file may use.</summary>
    public static readonly IReadOnlyDictionary<string, RedSignal> Signals = new Dictionary<string, RedSignal>(StringComparer.Ordinal)
    {
        ["error_ratio"] = RedSignal.ErrorRatio,
        ["rate"] = RedSignal.Rate,
        ["p50"] = RedSignal.P50,
        ["p90"] = RedSignal.P90,
        ["p95"] = RedSignal.P95,
        ["p99"] = RedSignal.P99,
    };

    public string SignalName => Signals.First(pair => pair.Value == Signal).Key;

    public override string Describe() =>
        $"{SignalName} of {Service ?? "each service"}" + (Operation is null ? "" : $" operation '{Operation}'");
}

/// <summary>
/// <c>metric: { name, agg, match, by }</c>: a metric aggregated over the whole window as one step, one series per
/// <see cref="By"/> label set (one series in all when <see cref="By"/> is empty), in the metric's own unit.
/// </summary>
public sealed record MetricCondition(
    string Metric,
    string Aggregation,
    IReadOnlyDictionary<string, string> Match,
    IReadOnlyList<string> By) : AlertCondition
{
    /// <summary>The aggregations a rules file may use.</summary>
    public static readonly IReadOnlyList<string> Aggregations = ["sum", "avg", "max", "rate", "p50", "p90", "p95", "p99"];

    public override string Describe() =>
        $"{Aggregation}({Metric}" + (Match.Count == 0 ? "" : "{" + string.Join(",", Match.Select(m => $"{m.Key}=\"{m.Value}\"")) + "}") + ")" +
        (By.Count == 0 ? "" : $" by ({string.Join(", ", By)})");
}

/// <summary>
/// <c>slo_burn: { slo, long, short, factor }</c>: true when the SLO's burn rate exceeds <see cref="Factor"/> over both
/// windows. Its one series' value is the smaller of the two burn rates, so "value > factor" is exactly "both exceed".
/// </summary>
public sealed record SloBurnCondition(SloDefinition Slo, TimeSpan LongWindow, TimeSpan ShortWindow, double Factor) : AlertCondition
{
    public override string Describe() =>
        $"burn rate of SLO {Slo.Name} over both {AlertDurations.Format(LongWindow)} and {AlertDurations.Format(ShortWindow)}";
}

/// <summary>Label names the alerting code itself sets or reads.</summary>
public static class KnownAlertLabels
{
    public const string AlertName = "alertname";
    public const string Severity = "severity";
    public const string Service = "service";
    public const string Team = "team";
    public const string Phase = "phase";
    public const string Target = "target";
    public const string Kpi = "kpi";
    public const string Slo = "slo";
}

/// <summary>Annotation names with a meaning: Alertmanager's conventions, and the one the state machine writes.</summary>
public static class KnownAlertAnnotations
{
    public const string Summary = "summary";
    public const string Description = "description";
    public const string RunbookUrl = "runbook_url";

    /// <summary>Why the series had no data at the last evaluation; absent when it had.</summary>
    public const string NoData = "no_data";
}

/// <summary>Severities: <c>page</c> wakes someone up and opens an incident, <c>ticket</c> waits for working hours, <c>info</c> is for the record.</summary>
public static class KnownSeverities
{
    public const string Page = "page";
    public const string Ticket = "ticket";
    public const string Info = "info";

    public static readonly IReadOnlyList<string> All = [Page, Ticket, Info];
}

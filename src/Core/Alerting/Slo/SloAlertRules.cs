using Observability.Core.Alerting.Rules;
using Observability.Core.Roadmap;

namespace Observability.Core.Alerting.Slo;

/// <summary>
/// The multi-window, multi-burn-rate alerts of the Google SRE workbook for one SLO: page when 2% of a 30-day budget
/// burns in an hour (14.4× over 1 h and 5 m) or 5% in six hours (6× over 6 h and 30 m); ticket when 10% burns in three
/// days (1× over 3 d and 6 h). The short window makes an alert resolve soon after the burning stops.
/// </summary>
public static class SloAlertRules
{
    /// <summary>The alert name of every burn-rate rule; labels slo, service, severity and window tell them apart.</summary>
    public const string AlertName = "SloErrorBudgetBurn";

    /// <summary>The workbook's (long window, short window, factor, severity) rows.</summary>
    public static readonly IReadOnlyList<(TimeSpan Long, TimeSpan Short, double Factor, string Severity)> Windows =
    [
        (TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), 14.4, KnownSeverities.Page),
        (TimeSpan.FromHours(6), TimeSpan.FromMinutes(30), 6, KnownSeverities.Page),
        (TimeSpan.FromDays(3), TimeSpan.FromHours(6), 1, KnownSeverities.Ticket),
    ];

    public static IReadOnlyList<AlertRule> For(SloDefinition slo) =>
        [.. Windows.Select(row => Rule(slo, row.Long, row.Short, row.Factor, row.Severity))];

    /// <summary>A burn-rate rule: fires at once (no <c>for</c>) when the burn rate exceeds the factor over both windows.</summary>
    public static AlertRule Rule(SloDefinition slo, TimeSpan longWindow, TimeSpan shortWindow, double factor, string severity)
    {
        var windows = $"{AlertDurations.Format(longWindow)}/{AlertDurations.Format(shortWindow)}";
        return new AlertRule
        {
            Id = $"{AlertName}:{slo.Name}:{windows}",
            Name = AlertName,
            Condition = new SloBurnCondition(slo, longWindow, shortWindow, factor),
            Comparator = TargetComparator.GreaterThan,
            Threshold = factor,
            Window = longWindow,
            For = TimeSpan.Zero,
            Labels = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [KnownAlertLabels.Severity] = severity,
                [KnownAlertLabels.Slo] = slo.Name,
                [KnownAlertLabels.Service] = slo.Service,
                ["window"] = windows,
            },
            Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [KnownAlertAnnotations.Summary] = $"SLO {slo.Name} is burning its error budget {{{{ $value }}}}× too fast over {windows} (alert above {factor:0.##}×)",
                [KnownAlertAnnotations.Description] = $"{slo.Indicator.Describe()} of {slo.Service}, objective {slo.Objective * 100:0.###}% over the {slo.TimeWindow.Describe()}. " +
                    $"At {factor:0.##}× the whole budget lasts {Lasting(slo, factor)}.",
            },
        };
    }

    private static string Lasting(SloDefinition slo, double factor)
    {
        var window = slo.TimeWindow.Rolling ?? TimeSpan.FromDays(30);
        return AlertDurations.Format(TimeSpan.FromMinutes(Math.Round(window.TotalMinutes / factor)));
    }
}

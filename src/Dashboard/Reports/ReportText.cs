using System.Globalization;
using Observability.Core.Alerting.Slo;
using Observability.Core.Kpis;
using Observability.Core.Sla;

namespace Observability.Dashboard.Reports;

/// <summary>The report pages' figures in the words an executive reads: "99.93% uptime, objective 99.95%: 31.2 of 21.6 allowed minutes used".</summary>
public static class ReportText
{
    /// <summary>Up to three decimals, no trailing zeros: 99.95%, 99.937%, 100%; whole from 1,000% on (an overspent budget).</summary>
    public static string Percent(double percent) => Math.Abs(percent) >= 1000 ? Invariant($"{percent:N0}%") : Invariant($"{percent:0.###}%");

    /// <summary>Whole numbers with separators from 100 on, a few decimals below (as the targets are written).</summary>
    public static string Number(double value) => value.ToString(
        Math.Abs(value) >= 100 ? "N0" : Math.Abs(value) >= 1 ? "0.##" : "0.####", CultureInfo.InvariantCulture);

    public static string Minutes(double minutes) => Invariant($"{minutes:0.#} min");

    /// <summary>"2026-11-26 14:05 UTC".</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>"November 2026" for "2026-11".</summary>
    public static string MonthName(string month) =>
        SlaCalculator.ParseMonth(month) is { } start ? start.UtcDateTime.ToString("MMMM yyyy", CultureInfo.InvariantCulture) : month;

    public static string Uptime(SlaReport report)
    {
        var uptime = report.Uptime;
        var soFar = report.Final ? "" : " so far";
        return uptime.Percent is { } percent && uptime.UsedDowntimeMinutes is { } used
            ? Invariant($"{Percent(percent)} uptime, objective {Percent(uptime.ObjectivePercent)}: {used:0.#} of {uptime.AllowedDowntimeMinutes:0.#} allowed minutes used{soFar}")
            : Invariant($"Uptime not measured, objective {Percent(uptime.ObjectivePercent)} ({uptime.AllowedDowntimeMinutes:0.#} minutes of downtime allowed): {uptime.NoDataReason}");
    }

    public static string ErrorBudget(SlaUptime uptime) => uptime.ErrorBudgetRemainingPercent switch
    {
        null => "Error budget: not known without uptime checks",
        >= 0 and var left => $"Error budget: {Percent(left)} left",
        var overspent => $"Error budget: spent, overspent by {Percent(-overspent.Value)} of it",
    };

    public static string Traffic(SlaTraffic traffic) => traffic.Requests == 0
        ? $"Requests: none measured ({traffic.NoDataReason})"
        : Invariant($"{traffic.Requests:N0} requests, error ratio {Percent((traffic.ErrorRatio ?? 0) * 100)}, p99 ") +
          (traffic.P99Milliseconds is { } p99 ? Invariant($"{p99:0} ms") : "not measured");

    /// <param name="name">"MTTD" or "MTTR".</param>
    /// <param name="none">What to say without durations: "no incidents this month", "no incident resolved".</param>
    public static string Durations(string name, SlaDurations? durations, string none) => durations is null
        ? $"{name}: {none}"
        : Invariant($"{name}: mean {Minutes(durations.MeanMinutes)}, median {Minutes(durations.MedianMinutes)}, p90 {Minutes(durations.P90Minutes)} ({durations.Count} incident{(durations.Count == 1 ? "" : "s")})");

    public static string IncidentDuration(SlaIncident incident) => incident.DurationMinutes is { } minutes ? Minutes(minutes) : "ongoing";

    public static string MonthlyCost(SlaCost cost) => cost.MonthlyUsd > 0
        ? Invariant($"Infrastructure cost: {Usd(cost.MonthlyUsd)} a month")
        : "Infrastructure cost: no cost model configured (Roadmap:Cost or the roadmap's infrastructure table)";

    public static string CostPerRequest(SlaCost cost) => cost.PerRequestUsd is { } usd
        ? $"Cost per request: {Usd(usd)}"
        : $"Cost per request: not known ({cost.PerRequestNoData})";

    public static string CostPerUser(SlaCost cost) => cost.PerUserUsd is { } usd
        ? $"Cost per user: {Usd(usd)} a month"
        : $"Cost per user: not known ({cost.PerUserNoData})";

    /// <summary>"$4,500", "$1.25", "$0.000012": enough significant digits for a fraction of a cent.</summary>
    public static string Usd(double usd) => usd switch
    {
        >= 100 => Invariant($"${usd:N0}"),
        >= 0.01 => Invariant($"${usd:0.00}"),
        0 => "$0",
        >= 0.000001 => "$" + usd.ToString("0.######", CultureInfo.InvariantCulture),
        _ => "$" + usd.ToString("0.##E+0", CultureInfo.InvariantCulture),
    };

    public static string CurrentPhase(int? phase) => phase is { } number
        ? $"Current phase: {number} (the highest phase with every target met over the month)"
        : "Current phase: none (no phase had every target met over the month)";

    public static string PhaseProgress(SlaPhase phase) => $"{phase.Met} of {phase.Total} targets met";

    /// <summary>"99.9% of server spans not in error, rolling 30d".</summary>
    public static string Objective(SloDefinition slo) => $"{Percent(slo.Objective * 100)} of {slo.Indicator.Describe()}, {slo.TimeWindow.Describe()}";

    /// <summary>What the SLO counts: requests (spans), or events (a ratio of metrics).</summary>
    public static string EventNoun(SloDefinition slo) => slo.Indicator is RatioIndicator ? "events" : "requests";

    public static string NotEvaluated => "no evaluation in the last minute (the KPI job stores one every 15 s: is it running?)";

    public static string Sli(KpiMeasurement? sli) => sli switch
    {
        null => $"SLI now: {NotEvaluated}",
        { Value: { } value } => $"SLI now: {Percent(value)}",
        _ => $"SLI now: no data ({sli.NoDataReason})",
    };

    /// <summary>"62.5% of the error budget left: 27 of 43.2 bad minutes, 375 of 600 bad requests".</summary>
    public static string Budget(SloStatus status)
    {
        if (status.BudgetRemaining is not { Value: { } percent })
        {
            return status.BudgetRemaining is null ? $"Error budget: {NotEvaluated}" : $"Error budget: no data ({status.BudgetRemaining.NoDataReason})";
        }
        var minutesLeft = percent / 100 * status.AllowedBadMinutes;
        var head = percent >= 0
            ? Invariant($"{Percent(percent)} of the error budget left: {Math.Max(0, minutesLeft):0.#} of {status.AllowedBadMinutes:0.#} bad minutes")
            : Invariant($"Error budget spent, overspent by {Percent(-percent)}: {-minutesLeft:0.#} bad minutes over the {status.AllowedBadMinutes:0.#} allowed");
        if (status.Counts is not { HasData: true } counts)
        {
            return head;
        }
        var noun = EventNoun(status.Slo);
        var allowed = status.Slo.ErrorBudget * counts.Total;
        return head + Invariant($", {Math.Max(0, allowed - counts.Bad):N0} of {allowed:N0} bad {noun} ({counts.Bad:N0} bad of {counts.Total:N0} {noun} so far)");
    }

    public static string BurnRate(SloBurnRate burn) => burn.Measurement switch
    {
        null => "no evaluation",
        { Value: { } rate } => Invariant($"{rate:0.##}×"),
        var measurement => $"no data ({measurement.NoDataReason})",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

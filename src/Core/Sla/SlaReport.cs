namespace Observability.Core.Sla;

/// <summary>One probe's checks over a UTC day: the tally the monthly uptime is summed from once raw points have expired.</summary>
public sealed record ProbeDayTally(DateOnly Day, string Probe, long Checks, long Passed);

/// <summary>
/// The executives' page for one calendar month (or the month so far): uptime against the objective with allowed and
/// used downtime, requests and p99, incidents with MTTD and MTTR, cost per request and per user, and phase progress.
/// Every figure that could not be measured is null with its reason beside it.
/// </summary>
public sealed record SlaReport(
    string Month,
    DateTimeOffset From,
    DateTimeOffset To,
    bool Final,
    DateTimeOffset ComputedAt,
    SlaUptime Uptime,
    SlaTraffic Traffic,
    IReadOnlyList<SlaIncident> Incidents,
    SlaDurations? Mttd,
    SlaDurations? Mttr,
    string? IncidentsNoData,
    SlaCost Cost,
    int? CurrentPhase,
    IReadOnlyList<SlaPhase> Phases);

/// <param name="ObjectivePercent">The uptime promised, e.g. 99.95.</param>
/// <param name="AllowedDowntimeMinutes">What the objective allows over the whole month.</param>
/// <param name="UsedDowntimeMinutes">Failed share of checks times the minutes covered so far.</param>
/// <param name="ErrorBudgetRemainingPercent">100 × (1 − used / allowed); negative once the budget is spent.</param>
public sealed record SlaUptime(
    double ObjectivePercent,
    double? Percent,
    double AllowedDowntimeMinutes,
    double? UsedDowntimeMinutes,
    double? ErrorBudgetRemainingPercent,
    IReadOnlyList<SlaProbe> Probes,
    string? NoDataReason);

public sealed record SlaProbe(string Name, long Checks, long Passed, double Percent);

public sealed record SlaTraffic(long Requests, double? ErrorRatio, double? P99Milliseconds, string? NoDataReason);

public sealed record SlaIncident(string Id, string Service, string Title, string Severity, DateTimeOffset ImpactStart, DateTimeOffset DetectedAt, DateTimeOffset? ResolvedAt, double? DurationMinutes);

public sealed record SlaDurations(int Count, double MeanMinutes, double MedianMinutes, double P90Minutes);

public sealed record SlaCost(double MonthlyUsd, double? PerRequestUsd, string? PerRequestNoData, double? PerUserUsd, string? PerUserNoData);

public sealed record SlaPhase(int Number, string Name, string Verdict, int Met, int Total);

/// <summary>Where the daily probe tallies and the computed monthly reports are kept.</summary>
public interface ISlaStore
{
    /// <summary>Inserts or replaces tallies by (day, probe).</summary>
    Task SaveProbeDaysAsync(IReadOnlyCollection<ProbeDayTally> tallies, CancellationToken cancellationToken);

    /// <summary>Tallies of days in [from, to), by day then probe.</summary>
    Task<IReadOnlyList<ProbeDayTally>> GetProbeDaysAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the report of its month.</summary>
    Task SaveReportAsync(SlaReport report, CancellationToken cancellationToken);

    Task<SlaReport?> GetReportAsync(string month, CancellationToken cancellationToken);

    /// <summary>The months that have a stored report, newest first.</summary>
    Task<IReadOnlyList<string>> GetReportMonthsAsync(CancellationToken cancellationToken);
}

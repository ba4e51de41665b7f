using System.Globalization;
using Observability.Core.Alerting;
using Observability.Core.Kpis;
using Observability.Core.Metrics;
using Observability.Core.Roadmap;
using Observability.Core.Rollups;
using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Core.Sla;

/// <summary>Settings "Sla:*".</summary>
public sealed class SlaOptions
{
    public const string Section = "Sla";

    /// <summary>The uptime promised, in percent; when unset, the roadmap's end-state uptime target (else 99.9).</summary>
    public double? UptimeObjectivePercent { get; set; }

    /// <summary>Hangfire cron of the nightly rollup (UTC): tallies yesterday's probes and finalizes last month.</summary>
    public string Schedule { get; set; } = "20 0 * * *";
}

/// <summary>
/// Builds the monthly SLA report. Uptime comes from daily probe tallies (kept after the raw probe points expire), so a
/// month's figure survives raw retention; the rest comes from rollups, incidents and KPI series, which are kept longer.
/// </summary>
public sealed class SlaCalculator(
    ITelemetryReader telemetry,
    ISpanRollupReader rollups,
    IIncidentStore incidents,
    IKpiStore kpis,
    ISlaStore sla,
    KpiCalculator calculator,
    RoadmapDefinition roadmap,
    CostModel cost,
    KpiOptions kpiOptions,
    SlaOptions options)
{
    private const int MaxProbePointsPerDay = 2_000_000;
    private static readonly IReadOnlyCollection<SpanKind> ServerKinds = [SpanKind.Server];

    public double ObjectivePercent => options.UptimeObjectivePercent
        ?? roadmap.EndState.FirstOrDefault(t => t.Metric == KnownKpis.Uptime)?.Threshold
        ?? 99.9;

    /// <summary>"2026-11" for the month that contains <paramref name="time"/> (UTC).</summary>
    public static string MonthOf(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>Parses "yyyy-MM" into the month's first instant (UTC), or null.</summary>
    public static DateTimeOffset? ParseMonth(string month) =>
        DateTime.TryParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var start)
            ? new DateTimeOffset(start, TimeSpan.Zero)
            : null;

    /// <summary>Counts one UTC day's probe checks from the raw probe points.</summary>
    public async Task<IReadOnlyList<ProbeDayTally>> TallyDayAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return await TallyAsync(day, from, from.AddDays(1), cancellationToken);
    }

    private async Task<IReadOnlyList<ProbeDayTally>> TallyAsync(DateOnly day, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var samples = await telemetry.GetMetricSamplesAsync(new MetricSampleQuery
        {
            MetricName = kpiOptions.ProbeSuccessMetric,
            FromUnixNanos = UnixTime.Nanos(from),
            ToUnixNanos = UnixTime.Nanos(to),
            Limit = MaxProbePointsPerDay,
        }, cancellationToken);
        return [.. samples
            .Where(s => s.Value is not null && s.TimeUnixNanos >= UnixTime.Nanos(from))
            .GroupBy(s => MetricQueryEngine.Labels(s).GetValueOrDefault("probe.name") ?? s.ServiceName, StringComparer.Ordinal)
            .Select(probe => new ProbeDayTally(day, probe.Key, probe.LongCount(), probe.LongCount(s => s.Value > 0)))
            .OrderBy(t => t.Probe, StringComparer.Ordinal)];
    }

    /// <summary>A month-to-date report younger than this is served as stored; an older one is recomputed.</summary>
    public static readonly TimeSpan ReportFreshness = TimeSpan.FromMinutes(1);

    /// <summary>The months with a stored report and the current month, newest first.</summary>
    public async Task<IReadOnlyList<string>> MonthsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        [.. (await sla.GetReportMonthsAsync(cancellationToken)).Append(MonthOf(now)).Distinct(StringComparer.Ordinal).OrderDescending(StringComparer.Ordinal)];

    /// <summary>
    /// The month's report as people read it: the stored one when final or younger than <see cref="ReportFreshness"/>,
    /// else computed as of <paramref name="now"/> and stored.
    /// </summary>
    public async Task<SlaReport> ReportAsync(DateTimeOffset monthStart, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var report = await sla.GetReportAsync(MonthOf(monthStart), cancellationToken);
        if (report is null || (!report.Final && now - report.ComputedAt > ReportFreshness))
        {
            report = await ComputeAsync(monthStart, now, cancellationToken);
            await sla.SaveReportAsync(report, cancellationToken);
        }
        return report;
    }

    /// <summary>The report of a month as of <paramref name="now"/>: final once the month is over.</summary>
    public async Task<SlaReport> ComputeAsync(DateTimeOffset monthStart, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var monthEnd = monthStart.AddMonths(1);
        var to = now < monthEnd ? now : monthEnd;
        var window = new KpiWindow(monthStart, to);
        var uptime = await UptimeAsync(monthStart, monthEnd, to, cancellationToken);
        var traffic = await TrafficAsync(window, cancellationToken);

        var detected = (await incidents.GetIncidentsAsync(monthStart, to, openOnly: false, 10_000, cancellationToken)).OrderBy(i => i.DetectedAt).ToList();
        var incidentRows = detected.Select(i => new SlaIncident(i.Id, i.Service, i.Title, i.Severity, i.ImpactStart, i.DetectedAt, i.ResolvedAt,
            i.ResolvedAt is { } resolved ? (resolved - i.ImpactStart).TotalMinutes : null)).ToList();
        var mttd = Durations(detected.Select(i => i.DetectedAt - i.ImpactStart));
        var mttr = Durations(detected.Where(i => i.ResolvedAt is not null).Select(i => i.ResolvedAt!.Value - i.DetectedAt));

        var perRequest = await calculator.MeasureAsync(KnownKpis.CostPerRequest, window, cancellationToken);
        var perUser = await calculator.MeasureAsync(KnownKpis.CostPerUser, window, cancellationToken);
        var monthly = cost.Monthly() is { } m ? (double)m.MonthlyUsd : 0;

        var verdict = await RoadmapHistory.EvaluateAsync(roadmap, kpis, window, cancellationToken);
        return new SlaReport(
            MonthOf(monthStart), monthStart, to, Final: now >= monthEnd, now, uptime, traffic, incidentRows, mttd, mttr,
            detected.Count == 0 ? $"no incidents detected {window.Describe()}" : null,
            new SlaCost(monthly, perRequest.Value, perRequest.NoDataReason, perUser.Value, perUser.NoDataReason),
            verdict.CurrentPhase,
            [.. verdict.Phases.Select(p => new SlaPhase(p.PhaseNumber!.Value, p.Name, p.Verdict, p.MetCount, p.Targets.Count))]);
    }

    private async Task<SlaUptime> UptimeAsync(DateTimeOffset monthStart, DateTimeOffset monthEnd, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var objective = ObjectivePercent;
        var allowed = (1 - objective / 100) * (monthEnd - monthStart).TotalMinutes;
        var firstDay = DateOnly.FromDateTime(monthStart.UtcDateTime);
        var stored = (await sla.GetProbeDaysAsync(firstDay, DateOnly.FromDateTime(to.UtcDateTime).AddDays(1), cancellationToken))
            .GroupBy(t => t.Day).ToDictionary(g => g.Key, g => (IReadOnlyList<ProbeDayTally>)[.. g]);
        var tallies = new List<ProbeDayTally>();
        for (var day = firstDay; new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) < to; day = day.AddDays(1))
        {
            var dayStart = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var complete = dayStart.AddDays(1) <= to;
            // A finished day is read from its stored tally when the nightly job has made one; the day in progress is counted live.
            tallies.AddRange(complete && stored.TryGetValue(day, out var kept)
                ? kept
                : await TallyAsync(day, dayStart, complete ? dayStart.AddDays(1) : to, cancellationToken));
        }
        var probes = tallies.GroupBy(t => t.Probe, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Checks: g.Sum(t => t.Checks), Passed: g.Sum(t => t.Passed)))
            .Where(p => p.Checks > 0)
            .Select(p => new SlaProbe(p.Name, p.Checks, p.Passed, 100.0 * p.Passed / p.Checks))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
        if (probes.Count == 0)
        {
            return new SlaUptime(objective, null, allowed, null, null, [],
                $"no '{kpiOptions.ProbeSuccessMetric}' checks between {monthStart.UtcDateTime:yyyy-MM-dd} and {to.UtcDateTime:yyyy-MM-dd HH:mm}Z: configure Monitoring:Probes");
        }
        // Each probe weighs the same, as in the uptime KPI.
        var percent = probes.Average(p => p.Percent);
        var used = (1 - percent / 100) * (to - monthStart).TotalMinutes;
        return new SlaUptime(objective, percent, allowed, used, allowed > 0 ? 100 * (1 - used / allowed) : null, probes, null);
    }

    private async Task<SlaTraffic> TrafficAsync(KpiWindow window, CancellationToken cancellationToken)
    {
        var edge = string.IsNullOrEmpty(kpiOptions.EdgeService) ? null : kpiOptions.EdgeService;
        var red = await new RedQueryService(rollups).WindowAsync(edge, ServerKinds, window.From, window.To, cancellationToken);
        return red.Requests == 0
            ? new SlaTraffic(0, null, null, $"no server spans{(edge is null ? "" : $" of {edge}")} {window.Describe()}")
            : new SlaTraffic(red.Requests, red.ErrorRatio, red.P99Ms, null);
    }

    private static SlaDurations? Durations(IEnumerable<TimeSpan> durations) =>
        DurationStatistics.Of(durations) is { } s
            ? new SlaDurations(s.Count, s.Mean.TotalMinutes, s.Median.TotalMinutes, s.P90.TotalMinutes)
            : null;
}

using Observability.Core.Alerting.Slo;
using Observability.Core.Kpis;
using Observability.Core.Roadmap;
using Observability.Core.Sla;
using Observability.Dashboard.Reports;

namespace Observability.Dashboard.Tests.Reports;

/// <summary>Fixed figures for the report pages' tests: a two-phase roadmap, one SLO, and two months of SLA reports.</summary>
internal static class ReportData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);

    public static PhaseTarget P1P99 { get; } = new("p1-p99", 1, KnownKpis.ResponseTimeP99, TargetComparator.LessThan, 500, "ms", "Response time p99: <500ms", null);

    public static PhaseTarget P1Users { get; } = new("p1-users", 1, KnownKpis.ConcurrentUsers, TargetComparator.GreaterOrEqual, 1000, "users", "Support: 1K concurrent users", null);

    public static PhaseTarget P2Lag { get; } = new("p2-lag", 2, KnownKpis.ReplicationLag, TargetComparator.LessThan, 500, "ms", "Replication lag: <500ms", null);

    public static PhaseTarget P2Queries { get; } = new("p2-queries", 2, KnownKpis.DatabaseQueriesChange, TargetComparator.LessOrEqual, -50, "%", "Database queries: -50% from phase 1", 1);

    public static PhaseTarget Uptime { get; } = new("end-uptime", null, KnownKpis.Uptime, TargetComparator.GreaterOrEqual, 99.95, "%", "Uptime: 99.95%", null);

    public static RoadmapDefinition Roadmap { get; } = new(
        [
            new RoadmapPhase(1, "Foundation", 1, 2, [P1P99, P1Users]),
            new RoadmapPhase(2, "Horizontal Scaling", 3, 4, [P2Lag, P2Queries]),
        ],
        [Uptime],
        [new InfrastructureTarget(2, 3, false, "primary", "Redis", "yes", 4500m)],
        "roadmap.yaml");

    public static RoadmapReport Verdicts(string window = "1h", double p99 = 412)
    {
        var kpiWindow = KpiWindow.Ending(Now, TimeSpan.FromHours(1));
        var verdict = RoadmapEvaluator.Evaluate(Roadmap, kpiWindow, new Dictionary<string, KpiMeasurement>
        {
            [KnownKpis.ResponseTimeP99] = KpiMeasurement.Measured(KnownKpis.ResponseTimeP99, kpiWindow, p99, "ms"),
            [KnownKpis.ConcurrentUsers] = KpiMeasurement.Measured(KnownKpis.ConcurrentUsers, kpiWindow, 300, "users"),
            [KnownKpis.ReplicationLag] = KpiMeasurement.NoData(KnownKpis.ReplicationLag, kpiWindow, "ms", "no points of 'postgresql.replication.lag' in the last hour"),
        });
        var baseline = new KpiBaseline(KnownKpis.ResponseTimeP99, 612, Now.AddDays(-20), new DateTimeOffset(2026, 11, 6, 10, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 6, 11, 0, 0, TimeSpan.Zero), 1, "alice");
        var loadTest = new LoadTestRecord("lt-1", 1, 1200, new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 20, 9, 30, 0, TimeSpan.Zero), "ramp to 1.2K users", "sre-bob", Now.AddDays(-6));
        return new RoadmapReport(window, Now, Roadmap, verdict,
            new Dictionary<string, KpiBaseline> { [baseline.KpiId] = baseline }, [loadTest]);
    }

    public static KpiSeries P99Series(TimeSpan length) => new(
        KnownKpis.ResponseTimeP99, "ms", "p99 of server spans", KpiWindow.Ending(Now, length),
        [new ChartPoint(Now.AddMinutes(-30), 380), new ChartPoint(Now.AddMinutes(-15), null), new ChartPoint(Now, 612)]);

    public static SloDefinition Availability { get; } = new(
        "gateway-availability", "gateway", new AvailabilityIndicator(), 0.999, new SloTimeWindow(TimeSpan.FromDays(30)), "Requests the gateway answers without error.");

    public static SloReport Slos(double sli = 99.95, bool evaluated = true)
    {
        var window = KpiWindow.Ending(Now, TimeSpan.FromDays(30));
        KpiMeasurement? Measured(string id, double value, string unit) => evaluated ? KpiMeasurement.Measured(id, window, value, unit) : null;
        var burnRates = SloCalculator.BurnRateWindows
            .Select((w, i) => new SloBurnRate(w, i == 0
                ? KpiMeasurement.NoData(SloCalculator.BurnRateId(Availability.Name, w), KpiWindow.Ending(Now, w), "ratio", "no server spans of gateway in the last 5 minutes")
                : Measured(SloCalculator.BurnRateId(Availability.Name, w), 0.5 * i, "ratio")))
            .ToList();
        return new SloReport(Now, "alerts.yaml",
        [
            new SloStatus(Availability,
                Measured(SloCalculator.SliId(Availability.Name), sli, "%"),
                Measured(SloCalculator.BudgetRemainingId(Availability.Name), 50, "%"),
                burnRates,
                new SloCounts(999_500, 1_000_000),
                Now.AddDays(-30),
                TimeSpan.FromDays(30).TotalMinutes,
                evaluated ? [new ChartPoint(Now.AddDays(-2), 80), new ChartPoint(Now.AddDays(-1), 60), new ChartPoint(Now, 50)] : []),
        ]);
    }

    public static SlaReport November(double uptime = 99.93) => new(
        "2026-11", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), Now, Final: false, Now,
        new SlaUptime(99.95, uptime, 21.6, 31.2, -44.4, [new SlaProbe("gateway-health", 36_000, 35_975, uptime)], null),
        new SlaTraffic(1_234_567, 0.0012, 412, null),
        [
            new SlaIncident("inc-1", "gateway", "HighErrorRatio on gateway", "page", Now.AddDays(-3), Now.AddDays(-3).AddMinutes(2), Now.AddDays(-3).AddMinutes(44.5), 44.5),
            new SlaIncident("inc-2", "orders", "Replication lag high", "page", Now.AddHours(-1), Now.AddMinutes(-58), null, null),
        ],
        new SlaDurations(2, 2, 2, 2), new SlaDurations(1, 42.5, 42.5, 42.5), null,
        new SlaCost(4500, 0.0000123, null, 1.5, null),
        1,
        [new SlaPhase(1, "Foundation", "met", 2, 2), new SlaPhase(2, "Horizontal Scaling", "missed", 1, 2)]);

    public static SlaReport October { get; } = new(
        "2026-10", new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), Final: true,
        new DateTimeOffset(2026, 11, 1, 0, 20, 0, TimeSpan.Zero),
        new SlaUptime(99.95, null, 22.3, null, null, [], "no 'probe.success' checks between 2026-10-01 and 2026-11-01 00:00Z: configure Monitoring:Probes"),
        new SlaTraffic(0, null, null, "no server spans between 2026-10-01 00:00:00Z and 2026-11-01 00:00:00Z"),
        [], null, null, "no incidents detected between 2026-10-01 00:00:00Z and 2026-11-01 00:00:00Z",
        new SlaCost(0, null, "no requests measured", null, "no users measured"),
        null,
        [new SlaPhase(1, "Foundation", "no-data", 0, 2), new SlaPhase(2, "Horizontal Scaling", "no-data", 0, 2)]);
}

/// <summary>A roadmap source that answers what the test says and counts reads.</summary>
internal sealed class FakeRoadmapSource(Func<int, string, RoadmapReport> next) : IRoadmapSource
{
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    public List<(string KpiId, TimeSpan Length)> ChartReads { get; } = [];

    public Task<RoadmapReport> ReadAsync(string window, CancellationToken cancellationToken) =>
        Task.FromResult(next(Interlocked.Increment(ref _reads), window));

    public Task<KpiSeries> ReadKpiAsync(string kpiId, TimeSpan length, CancellationToken cancellationToken)
    {
        lock (ChartReads)
        {
            ChartReads.Add((kpiId, length));
        }
        return Task.FromResult(kpiId == KnownKpis.ResponseTimeP99
            ? ReportData.P99Series(length)
            : new KpiSeries(kpiId, "ms", "test KPI", KpiWindow.Ending(ReportData.Now, length), []));
    }
}

internal sealed class FakeSloSource(Func<int, SloReport> next) : ISloSource
{
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    public Task<SloReport> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(next(Interlocked.Increment(ref _reads)));
}

internal sealed class FakeSlaSource(Func<int, string, SlaReport> next) : ISlaSource
{
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    public Task<IReadOnlyList<string>> MonthsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>(["2026-11", "2026-10"]);

    public Task<SlaReport> ReadAsync(string month, CancellationToken cancellationToken) => Task.FromResult(next(Interlocked.Increment(ref _reads), month));
}

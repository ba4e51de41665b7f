using Observability.Core.Alerting;
using Observability.Core.Kpis;
using Observability.Core.Roadmap;
using Observability.Core.Rollups;
using Observability.Dashboard.Overview;

namespace Observability.Dashboard.Tests.Overview;

/// <summary>Fixed figures for the Overview's tests: targets met, missed and without data, an alert and an incident.</summary>
internal static class OverviewData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);

    public static readonly KpiWindow Window = KpiWindow.Ending(Now, TimeSpan.FromMinutes(1));

    public static PhaseTarget P99Target { get; } = new("p2-p99", 2, "response_time_p99", TargetComparator.LessThan, 500, "ms", "Response time p99: <500ms", null);

    public static PhaseTarget UsersTarget { get; } = new("p2-users", 2, "concurrent_users", TargetComparator.GreaterOrEqual, 3000, "users", "Support: 3K concurrent users", null);

    public static PhaseTarget LagTarget { get; } = new("p2-lag", 2, "replication_lag", TargetComparator.LessThan, 100, "ms", "Replication lag: <100ms", null);

    public static TargetVerdict Met(double p99) => RoadmapEvaluator.Judge(P99Target, KpiMeasurement.Measured(P99Target.Metric, Window, p99, "ms"));

    public static TargetVerdict Missed => RoadmapEvaluator.Judge(UsersTarget, KpiMeasurement.Measured(UsersTarget.Metric, Window, 300, "users"));

    public static TargetVerdict NoData => RoadmapEvaluator.Judge(LagTarget,
        KpiMeasurement.NoData(LagTarget.Metric, Window, "ms", "no points for metric 'postgresql.replication.lag' in the last 5 minutes"));

    public static AlertInstance FiringAlert { get; } = new(
        "fp-1", "HighErrorRatio", new Dictionary<string, string> { ["alertname"] = "HighErrorRatio", ["service"] = "gateway" },
        new Dictionary<string, string> { ["summary"] = "gateway error ratio 7.5% over 30 s" }, AlertState.Firing,
        Now.AddMinutes(-3), Now.AddMinutes(-2), null, 0.075, Now);

    public static Incident OpenIncident { get; } = new(
        "inc-1", "gateway", "HighErrorRatio on gateway", "page", Now.AddMinutes(-3), Now.AddMinutes(-2), Now.AddMinutes(-2), null, null, null,
        "alerting", ["fp-1"]);

    public static OverviewSnapshot Snapshot(double p99 = 412, double requestsPerSecond = 52.3, bool withAlert = true, bool withRed = true) => new(
        Now,
        new PhaseVerdict(2, "Growth", [Met(p99), Missed, NoData]),
        withAlert ? [FiringAlert] : [],
        withAlert ? [OpenIncident] : [],
        "gateway",
        withRed ? new RedPoint(Now.UtcDateTime, (long)(requestsPerSecond * 60), 3, requestsPerSecond, 3 / (requestsPerSecond * 60), 120, 250, 300, p99) : null)
    {
        LastHour = new Dictionary<string, IReadOnlyList<(DateTimeOffset At, double? Value)>>
        {
            [P99Target.Metric] = [(Now.AddMinutes(-2), 380), (Now.AddMinutes(-1), 420), (Now, p99)],
            [LagTarget.Metric] = [(Now.AddMinutes(-1), null)],
        },
    };
}

/// <summary>An overview source that returns what the test says, and counts how often it was asked.</summary>
internal sealed class FakeOverviewSource(Func<int, OverviewSnapshot> next) : IOverviewSource
{
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    public Task<OverviewSnapshot> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(next(Interlocked.Increment(ref _reads)));
}

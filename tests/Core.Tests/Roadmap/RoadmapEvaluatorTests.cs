using Observability.Core.Kpis;
using Observability.Core.Roadmap;

namespace Observability.Core.Tests.Roadmap;

public sealed class RoadmapEvaluatorTests
{
    private static readonly RoadmapDefinition Roadmap = RoadmapLoader.Load(Path.Combine(AppContext.BaseDirectory, "roadmap.yaml"));
    private static readonly KpiWindow Window = KpiWindow.Ending(new DateTimeOffset(2026, 11, 20, 13, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(1));

    private static KpiMeasurement Value(string kpi, double value) => KpiMeasurement.Measured(kpi, Window, value, KnownKpis.All[kpi].Unit);

    [Fact]
    public void Targets_are_met_missed_or_without_data_and_phases_count_them()
    {
        var measurements = new Dictionary<string, KpiMeasurement>
        {
            [KnownKpis.ConcurrentUsers] = Value(KnownKpis.ConcurrentUsers, 3200),
            [KnownKpis.ResponseTimeP99] = Value(KnownKpis.ResponseTimeP99, 412),
            [KnownKpis.DatabaseCpu] = Value(KnownKpis.DatabaseCpu, 45),
            [KnownKpis.MemoryUsage] = Value(KnownKpis.MemoryUsage, 52.5),
            [KnownKpis.InstanceCpu] = KpiMeasurement.NoData(KnownKpis.InstanceCpu, Window, "%", "no points for metric 'process.cpu.time'"),
        };

        var verdict = RoadmapEvaluator.Evaluate(Roadmap, Window, measurements);

        var phase1 = verdict.Phases[0];
        Assert.Equal(("met", "4 of 4 targets met"), (phase1.Verdict, phase1.Summary));
        Assert.Equal("Response time p99: <500ms: 412 ms, target < 500 ms", phase1.Targets[1].Summary);

        // Phase 2: users met, p99 412 >= 300 missed, instance CPU without data, database CPU 45 < 70 met.
        var phase2 = verdict.Phases[1];
        Assert.Equal([TargetStatus.Met, TargetStatus.Missed, TargetStatus.NoData, TargetStatus.Met], phase2.Targets.Select(t => t.Status));
        Assert.Equal(("missed", "2 of 4 targets met, 1 missed, 1 without data"), (phase2.Verdict, phase2.Summary));
        Assert.Equal("Per-instance CPU: <60%: no data (no points for metric 'process.cpu.time')", phase2.Targets[2].Summary);

        // Phase 3 has only no-data targets but users (3200 < 5000, missed).
        Assert.Equal("missed", verdict.Phases[2].Verdict);
        Assert.Contains("database_read_latency has not been measured between 2026-11-20 12:00:00Z and 2026-11-20 13:00:00Z", verdict.Phases[2].Targets[1].Summary);
        Assert.Equal(1, verdict.CurrentPhase);
        Assert.Equal("End state", verdict.EndState.Name);
        Assert.Equal(8, verdict.EndState.Targets.Count);
    }

    [Fact]
    public void Without_any_phase_fully_met_there_is_no_current_phase_and_no_data_is_not_a_miss()
    {
        var verdict = RoadmapEvaluator.Evaluate(Roadmap, Window, new Dictionary<string, KpiMeasurement>());

        Assert.Null(verdict.CurrentPhase);
        Assert.All(verdict.Phases, phase => Assert.Equal("no-data", phase.Verdict));
    }

    [Theory]
    [InlineData(1, "met", 120)]
    [InlineData(2, "missed", 120)]
    public void Over_a_window_a_target_is_met_when_it_held_in_99_percent_of_the_samples(int lagging, string expected, double median)
    {
        // 100 samples of replication lag, 15 s apart: 120 ms, but `lagging` of them at 4 s. 99 of 100 is enough.
        var samples = Enumerable.Range(0, 100).Select(i => new KpiSample(KpiMeasurement.Measured(
            KnownKpis.ReplicationLag, KpiWindow.Ending(Window.From.AddSeconds(15 * (i + 1)), TimeSpan.FromMinutes(5)), i < lagging ? 4000 : 120, "ms"))).ToList();

        var verdict = RoadmapEvaluator.EvaluateSeries(Roadmap, Window, new Dictionary<string, IReadOnlyList<KpiSample>> { [KnownKpis.ReplicationLag] = samples });

        var lag = verdict.Phases[2].Targets.Single(t => t.Target.Metric == KnownKpis.ReplicationLag);
        Assert.Equal(expected, lag.Status.ToString().ToLowerInvariant());
        Assert.Equal(median, lag.Measurement.Value);
        Assert.Equal($"median of 100 samples; target met in {100 - lagging}% of them (needs 99%)", lag.Measurement.Detail);
        var users = verdict.Phases[2].Targets.Single(t => t.Target.Metric == KnownKpis.ConcurrentUsers);
        Assert.Equal(TargetStatus.NoData, users.Status);
        Assert.Equal("concurrent_users was not measured between 2026-11-20 12:00:00Z and 2026-11-20 13:00:00Z", users.Measurement.NoDataReason);
    }
}

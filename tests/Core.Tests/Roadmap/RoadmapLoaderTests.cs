using Observability.Core.Roadmap;

namespace Observability.Core.Tests.Roadmap;

public sealed class RoadmapLoaderTests
{
    private static readonly string ShippedRoadmap = Path.Combine(AppContext.BaseDirectory, "roadmap.yaml");

    [Fact]
    public void The_shipped_roadmap_carries_every_target_of_the_seed()
    {
        var roadmap = RoadmapLoader.Load(ShippedRoadmap);

        Assert.Equal([1, 2, 3, 4, 5, 6, 7], roadmap.Phases.Select(phase => phase.Number));
        Assert.Equal(
            ["Foundation", "Horizontal Scaling", "Database Optimization", "Microservices", "Advanced Caching", "Global Distribution", "Advanced Monitoring"],
            roadmap.Phases.Select(phase => phase.Name));
        Assert.Equal((16, 18), (roadmap.Phases[6].FirstMonth, roadmap.Phases[6].LastMonth));
        Assert.All(roadmap.Phases, phase => Assert.Equal(4, phase.Targets.Count));
        Assert.Equal(8, roadmap.EndState.Count);
        Assert.Equal(36, roadmap.AllTargets.Count());
        Assert.Equal(36, roadmap.AllTargets.Select(target => target.Id).Distinct().Count());

        var p99 = roadmap.Phases[0].Targets.Single(target => target.Metric == KnownKpis.ResponseTimeP99);
        Assert.Equal(("p1.response_time_p99", TargetComparator.LessThan, 500.0, "ms"), (p99.Id, p99.Comparator, p99.Threshold, p99.Unit));
        Assert.True(p99.IsMetBy(499.9));
        Assert.False(p99.IsMetBy(500));

        var queries = roadmap.Phases[4].Targets.Single(target => target.Metric == KnownKpis.DatabaseQueriesChange);
        Assert.Equal((-50.0, 1), (queries.Threshold, queries.BaselinePhase));
        Assert.Equal("< 2 min", roadmap.Phases[6].Targets.Single(target => target.Metric == KnownKpis.Mttd).Describe());

        Assert.Equal(7, roadmap.Infrastructure.Count);
        Assert.Equal(45_000m, roadmap.InfrastructureFor(7)!.MonthlyCostUsd);
        Assert.True(roadmap.InfrastructureFor(6)!.InstancesPerRegion);
    }

    [Fact]
    public void A_threshold_in_another_unit_is_converted_to_the_kpis_unit()
    {
        var roadmap = RoadmapLoader.Parse(OnePhase("{ metric: response_time_p99, comparator: '<', threshold: 0.5, unit: s }"), "r.yaml");

        Assert.Equal(500, roadmap.Phases[0].Targets[0].Threshold, 9);
        Assert.Equal("ms", roadmap.Phases[0].Targets[0].Unit);
    }

    public static TheoryData<string, string> InvalidFiles => new()
    {
        { OnePhase("{ metric: response_time_p98, comparator: '<', threshold: 500, unit: ms }"), "r.yaml:6:19: unknown metric 'response_time_p98'; accepted: concurrent_users, response_time_p99" },
        { OnePhase("{ metric: response_time_p99, comparator: '=<', threshold: 500, unit: ms }"), "r.yaml:6:50: bad comparator '=<'; accepted: <, <=, >, >=" },
        { OnePhase("{ metric: response_time_p99, comparator: '<', threshold: 500, unit: '%' }"), "r.yaml:6:77: unit '%' does not fit metric 'response_time_p99'; accepted: ms, s, min" },
        { OnePhase("{ metric: response_time_p99, comparator: '<', threshold: fast, unit: ms }"), "r.yaml:6:66: 'threshold' must be a number, not 'fast'" },
        { OnePhase("{ metric: response_time_p99, comparator: '<', treshold: 500, unit: ms }"), "r.yaml:6:55: unknown key 'treshold'; accepted here: id, metric, comparator, threshold, unit, text, baseline" },
        { OnePhase("{ metric: response_time_p99, comparator: '<', unit: ms }"), "r.yaml:6:9: missing 'threshold'" },
        { OnePhase("{ metric: database_queries_change, comparator: '<=', threshold: -50, unit: '%' }"), "r.yaml:6:9: metric 'database_queries_change' is a change against a baseline: add 'baseline: <phase number>'" },
        { OnePhase("{ metric: uptime, comparator: '>', threshold: 99, unit: '%', baseline: 1 }"), "r.yaml:6:80: 'baseline' applies only to change metrics" },
        { "phases:\n  - number: 2\n    name: Late\n    months: 1-2\n    targets: []\n", "r.yaml:2:13: phase number 2 is out of order: expected 1" },
        { "phases:\n  - number: 1\n    name: A\n    months: 2-1\n    targets: []\n", "r.yaml:4:13: months '2-1' is not a range like '3-4'" },
        { "phases:\n  - number: 1\n    name: A\n    months: 1-2\n    targets: [\n", "r.yaml:" },
        { "phases: []\n", "r.yaml:1:9: 'phases' lists no phase" },
        { OnePhase("{ metric: uptime, comparator: '>', threshold: 99, unit: '%' }") + "infrastructure:\n  - { phase: 3, instances: 1, database: A, cache: B, cdn: C, monthlyCostUsd: 1 }\n", "r.yaml:8:14: phase 3 is not one of the roadmap's phases (1 to 1)" },
    };

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void An_invalid_file_is_refused_with_its_line_and_the_problem(string yaml, string expected)
    {
        var error = Assert.Throws<RoadmapException>(() => RoadmapLoader.Parse(yaml, "r.yaml"));

        Assert.StartsWith(expected, error.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<RoadmapException>(() => RoadmapLoader.Load("/nonexistent/roadmap.yaml"));

        Assert.StartsWith("/nonexistent/roadmap.yaml: cannot read the roadmap file", error.Message);
    }

    private static string OnePhase(string target) =>
        "phases:\n  - number: 1\n    name: Foundation\n    months: 1-2\n    targets:\n      - " + target + "\n";
}

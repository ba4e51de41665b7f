using System.Globalization;
using Observability.Core.Metrics;
using Observability.Core.Roadmap;
using Observability.Core.Rollups;
using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Core.Kpis;

/// <summary>
/// Measures every KPI of <see cref="KnownKpis"/> over a window from stored telemetry: span rollups for latencies,
/// metric points (OpenTelemetry semantic conventions, or the metric a <see cref="KpiOptions"/> setting names) for the
/// rest, incidents for MTTD and MTTR, recorded baselines for changes. Nothing is invented: without its telemetry a KPI
/// is "no data" with the reason.
/// </summary>
public sealed class KpiCalculator(
    ITelemetryReader telemetry,
    ISpanRollupReader rollups,
    IIncidentHistory incidents,
    IKpiBaselines baselines,
    CostModel cost,
    KpiOptions options)
{
    /// <summary>Most metric points one KPI reads; beyond it the KPI says its window is too long.</summary>
    public const int MaxSamples = 500_000;

    private static readonly IReadOnlyCollection<SpanKind> ServerKinds = [SpanKind.Server];
    private readonly RedQueryService _red = new(rollups);

    public Task<KpiMeasurement> MeasureAsync(string kpiId, KpiWindow window, CancellationToken cancellationToken) => kpiId switch
    {
        KnownKpis.ConcurrentUsers => ConcurrentUsersAsync(window, cancellationToken),
        KnownKpis.ResponseTimeP99 => ResponseTimeP99Async(window, cancellationToken),
        KnownKpis.DatabaseCpu => DatabaseCpuAsync(window, cancellationToken),
        KnownKpis.MemoryUsage => MemoryUsageAsync(window, cancellationToken),
        KnownKpis.InstanceCpu => InstanceCpuAsync(window, cancellationToken),
        KnownKpis.DatabaseReadLatency => DatabaseReadLatencyAsync(window, cancellationToken),
        KnownKpis.ReplicationLag => ReplicationLagAsync(window, cancellationToken),
        KnownKpis.QueryP99 => QueryP99Async(window, cancellationToken),
        KnownKpis.DeploymentDuration => DeploymentDurationAsync(window, cancellationToken),
        KnownKpis.ServiceLatencyP95 => ServiceLatencyP95Async(window, cancellationToken),
        KnownKpis.MessageThroughput => MessageThroughputAsync(window, cancellationToken),
        KnownKpis.CacheHitRatio => CacheHitRatioAsync(window, cancellationToken),
        KnownKpis.DatabaseQueriesPerRequest => DatabaseQueriesPerRequestAsync(window, cancellationToken),
        KnownKpis.DatabaseQueriesChange => ChangeAsync(KnownKpis.DatabaseQueriesChange, window, cancellationToken),
        KnownKpis.GlobalLatencyP95 => GlobalLatencyP95Async(window, cancellationToken),
        KnownKpis.RegionalLatencyP95 => RegionalLatencyP95Async(window, cancellationToken),
        KnownKpis.Uptime => UptimeAsync(window, cancellationToken),
        KnownKpis.Mttd => IncidentDurationAsync(KnownKpis.Mttd, window, cancellationToken),
        KnownKpis.Mttr => IncidentDurationAsync(KnownKpis.Mttr, window, cancellationToken),
        KnownKpis.CostPerRequest => CostPerRequestAsync(window, cancellationToken),
        KnownKpis.CostPerRequestChange => ChangeAsync(KnownKpis.CostPerRequestChange, window, cancellationToken),
        KnownKpis.CostPerUser => CostPerUserAsync(window, cancellationToken),
        KnownKpis.DeploymentFrequency => DeploymentFrequencyAsync(window, cancellationToken),
        KnownKpis.LeadTime => LeadTimeAsync(window, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(kpiId), kpiId, "not a KPI of KnownKpis"),
    };

    private static string UnitOf(string kpiId) => KnownKpis.All[kpiId].Unit;

    private async Task<KpiMeasurement> ConcurrentUsersAsync(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.ConcurrentUsers;
        var combine = options.ActiveSessionsAcrossInstances;
        var (result, missing) = await MetricAsync(options.ActiveSessionsMetric, combine == "sum" ? "sum" : "max", window, options.LevelStep, [], cancellationToken);
        var steps = result?.Series.SelectMany(s => s.Values).OfType<double>().ToList() ?? [];
        if (steps.Count == 0)
        {
            return KpiMeasurement.NoData(id, window, UnitOf(id), missing ?? $"no values of '{options.ActiveSessionsMetric}' {window.Describe()}");
        }
        return KpiMeasurement.Measured(id, window, steps.Max(), UnitOf(id),
            $"peak of '{options.ActiveSessionsMetric}' ({(combine == "sum" ? "summed over" : "the highest of")} its instances per {Seconds(options.LevelStep)} step); latest {steps[^1]:0}");
    }

    private async Task<KpiMeasurement> ResponseTimeP99Async(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.ResponseTimeP99;
        var red = await _red.WindowAsync(null, ServerKinds, window.From, window.To, cancellationToken);
        return red.P99Ms is { } p99
            ? KpiMeasurement.Measured(id, window, p99, UnitOf(id), $"{red.Requests:N0} server spans of every service")
            : KpiMeasurement.NoData(id, window, UnitOf(id), $"no server spans {window.Describe()}");
    }

    private async Task<KpiMeasurement> ServiceLatencyP95Async(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.ServiceLatencyP95;
        var services = await _red.ServicesAsync(ServerKinds, window.From, window.To, cancellationToken);
        var slowest = services.Where(s => s.Red.P95Ms is not null).MaxBy(s => s.Red.P95Ms);
        return slowest is null
            ? KpiMeasurement.NoData(id, window, UnitOf(id), $"no server spans {window.Describe()}")
            : KpiMeasurement.Measured(id, window, slowest.Red.P95Ms!.Value, UnitOf(id),
                $"slowest of {services.Count} services: {slowest.Service}");
    }

    private async Task<KpiMeasurement> DatabaseCpuAsync(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.DatabaseCpu;
        var (result, missing) = await MetricAsync(options.DatabaseCpuMetric, "avg", window, null, null, cancellationToken);
        var busiest = Busiest(result);
        return busiest is { } b
            ? KpiMeasurement.Measured(id, window, b.Value * 100, UnitOf(id), $"average of the busiest database server: {Describe(b.Labels)}")
            : KpiMeasurement.NoData(id, window, UnitOf(id), missing ?? $"no values of '{options.DatabaseCpuMetric}' {window.Describe()}");
    }

    private async Task<KpiMeasurement> MemoryUsageAsync(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.MemoryUsage;
        string[] byInstance = [MetricSampleQuery.ServiceNameLabel, MetricSampleQuery.ServiceInstanceLabel];
        var (usage, usageMissing) = await MetricAsync(options.ProcessMemoryMetric, "avg", window, null, byInstance, cancellationToken);
        if (usage is null)
        {
            return KpiMeasurement.NoData(id, window, UnitOf(id), usageMissing!);
        }
        var (limit, limitMissing) = await MetricAsync(options.MemoryLimitMetric, "avg", window, null, byInstance, cancellationToken);
        if (limit is null)
        {
            return KpiMeasurement.NoData(id, window, UnitOf(id),
                $"'{options.ProcessMemoryMetric}' is there but not the memory available to the instances: {limitMissing}");
        }
        var shares = Ratios(usage, limit).ToList();
        var highest = shares.MaxBy(s => s.Value);
        return highest.Labels is null
            ? KpiMeasurement.NoData(id, window, UnitOf(id), $"no instance reports both '{options.ProcessMemoryMetric}' and '{options.MemoryLimitMetric}' {window.Describe()}")
            : KpiMeasurement.Measured(id, window, highest.Value * 100, UnitOf(id), $"highest of {shares.Count} instances: {Describe(highest.Labels)}");
    }

    private async Task<KpiMeasurement> InstanceCpuAsync(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.InstanceCpu;
        string[] byInstance = [MetricSampleQuery.ServiceNameLabel, MetricSampleQuery.ServiceInstanceLabel];
        var (seconds, secondsMissing) = await MetricAsync(options.ProcessCpuTimeMetric, "rate", window, null, byInstance, cancellationToken);
        if (seconds is null)
        {
            return KpiMeasurement.NoData(id, window, UnitOf(id), secondsMissing!);
        }
        var (cores, coresMissing) = await MetricAsync(options.ProcessCpuCountMetric, "avg", window, null, byInstance, cancellationToken);
        if (cores is null)
        {
            return KpiMeasurement.NoData(id, window, UnitOf(id),
                $"'{options.ProcessCpuTimeMetric}' is there but not the instances' core count: {coresMissing}");
        }
        var shares = Ratios(seconds, cores).ToList();
        var busiest = shares.MaxBy(s => s.Value);
        return busiest.Labels is null
            ? KpiMeasurement.NoData(id, window, UnitOf(id), $"no instance reports both '{options.ProcessCpuTimeMetric}' and '{options.ProcessCpuCountMetric}' {window.Describe()}")
            : KpiMeasurement.Measured(id, window, busiest.Value * 100, UnitOf(id), $"busiest of {shares.Count} instances: {Describe(busiest.Labels)}");
    }

    private async Task<KpiMeasurement> DatabaseReadLatencyAsync(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.DatabaseReadLatency;
        var tried = new List<string>();
        foreach (var filter in options.DatabaseReadMatch.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = filter.Split('=', 2);
            if (parts.Length != 2)
            {
                continue;
            }
            var reads = await DurationQuantileAsync(options.DatabaseOperationDurationMetric, "p95", window, [], cancellationToken,
                new KeyValuePair<string, string>(parts[0], parts[1]));
            if (reads.Value is { } value)
            {
                return KpiMeasurement.Measured(id, window, value, UnitOf(id), $"p95 of '{options.DatabaseOperationDurationMetric}' with {filter}");
            }
            tried.Add(reads.Missing!);
        }
        return KpiMeasurement.NoData(id, window, UnitOf(id), tried.Count > 0
            ? string.Join("; ", tried)
            : $"Kpis:DatabaseReadMatch '{options.DatabaseReadMatch}' names no label=value filter");
    }

    private async Task<KpiMeasurement> QueryP99Async(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.QueryP99;
        var all = await DurationQuantileAsync(options.DatabaseOperationDurationMetric, "p99", window, [], cancellationToken);
        return all.Value is { } value
            ? KpiMeasurement.Measured(id, window, value, UnitOf(id), $"p99 of '{options.DatabaseOperationDurationMetric}' over every client")
            : KpiMeasurement.NoData(id, window, UnitOf(id), all.Missing!);
    }

    private async Task<KpiMeasurement> GlobalLatencyP95Async(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.GlobalLatencyP95;
        var all = await DurationQuantileAsync(options.HttpServerDurationMetric, "p95", window, [], cancellationToken);
        return all.Value is { } value
            ? KpiMeasurement.Measured(id, window, value, UnitOf(id), $"p95 of '{options.HttpServerDurationMetric}' over every region")
            : KpiMeasurement.NoData(id, window, UnitOf(id), all.Missing!);
    }

    private async Task<KpiMeasurement> RegionalLatencyP95Async(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.RegionalLatencyP95;
        var (result, missing) = await MetricAsync(options.HttpServerDurationMetric, "p95", window, null, [MetricSampleQuery.CloudRegionLabel], cancellationToken);
        if (result is null)
        {
            return KpiMeasurement.NoData(id, window, UnitOf(id), missing!);
        }
        var regions = result.Series
            .Where(s => s.Labels.ContainsKey(MetricSampleQuery.CloudRegionLabel) && s.Values[0] is not null)
            .Select(s => (Region: s.Labels[MetricSampleQuery.CloudRegionLabel], Value: s.Values[0]!.Value))
            .ToList();
        if (regions.Count == 0)
        {
            return KpiMeasurement.NoData(id, window, UnitOf(id), $"no '{options.HttpServerDurationMetric}' points {window.Describe()} come from a resource with cloud.region");
        }
        var factor = await MillisecondsPerUnitAsync(options.HttpServerDurationMetric, cancellationToken);
        var slowest = regions.MaxBy(r => r.Value);
        return KpiMeasurement.Measured(id, window, slowest.Value * factor, UnitOf(id),
            $"slowest of {regions.Count} regions: {slowest.Region}; " + string.Join(", ", regions.OrderBy(r => r.Region, StringComparer.Ordinal).Select(r => $"{r.Region} {r.Value * factor:0.#} ms")));
    }

    private async Task<KpiMeasurement> ReplicationLagAsync(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.ReplicationLag;
        var (result, missing) = await MetricAsync(options.ReplicationLagMetric, "max", window, options.LevelStep, null, cancellationToken);
        var replicas = result?.Series
            .Select(s => (s.Labels, Latest: s.Values.LastOrDefault(v => v is not null), Max: s.Values.Max()))
            .Where(s => s.Latest is not null)
            .ToList() ?? [];
        if (replicas.Count == 0)
        {
            return KpiMeasurement.NoData(id, window, UnitOf(id), missing ?? $"no values of '{options.ReplicationLagMetric}' {window.Describe()}");
        }
        var worst = replicas.MaxBy(r => r.Latest);
        return KpiMeasurement.Measured(id, window, worst.Latest!.Value * 1000, UnitOf(id),
            $"latest lag of the most lagging of {replicas.Count} replicas ({Describe(worst.Labels)}); highest in the window {replicas.Max(r => r.Max)!.Value * 1000:0} ms");
    }

    private async Task<KpiMeasurement> MessageThroughputAsync(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.MessageThroughput;
        var (result, missing) = await MetricAsync(options.MessagesSentMetric, "rate", window, null, [], cancellationToken);
        if (result?.Series.FirstOrDefault()?.Values[0] is { } rate)
        {
            return KpiMeasurement.Measured(id, window, rate, UnitOf(id), $"rate of '{options.MessagesSentMetric}' over every producer");
        }
        var producers = await _red.WindowAsync(null, [SpanKind.Producer], window.From, window.To, cancellationToken);
        return producers.Requests > 0
            ? KpiMeasurement.Measured(id, window, producers.RequestRatePerSecond, UnitOf(id), "producer spans per second (no messaging metric)")
            : KpiMeasurement.NoData(id, window, UnitOf(id), $"{missing}; and no producer spans {window.Describe()}");
    }

    private async Task<KpiMeasurement> CacheHitRatioAsync(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.CacheHitRatio;
        var application = await HitRatioAsync(options.CacheHitsMetric, options.CacheMissesMetric, window, cancellationToken);
        if (application.Ratio is { } ratio)
        {
            return KpiMeasurement.Measured(id, window, ratio * 100, UnitOf(id), $"'{options.CacheHitsMetric}' over hits and misses, every cache layer");
        }
        var redis = await HitRatioAsync(options.RedisHitsMetric, options.RedisMissesMetric, window, cancellationToken);
        return redis.Ratio is { } redisRatio
            ? KpiMeasurement.Measured(id, window, redisRatio * 100, UnitOf(id), "Redis keyspace hits over hits and misses (INFO stats)")
            : KpiMeasurement.NoData(id, window, UnitOf(id), $"{application.Missing}; {redis.Missing}");
    }

    private async Task<(double? Ratio, string? Missing)> HitRatioAsync(string hitsMetric, string missesMetric, KpiWindow window, CancellationToken cancellationToken)
    {
        var (hits, hitsMissing) = await MetricAsync(hitsMetric, "sum", window, null, [], cancellationToken);
        var (misses, _) = await MetricAsync(missesMetric, "sum", window, null, [], cancellationToken);
        var hitCount = hits?.Series.FirstOrDefault()?.Values[0] ?? 0;
        var missCount = misses?.Series.FirstOrDefault()?.Values[0] ?? 0;
        if (hitCount + missCount <= 0)
        {
            return (null, hitsMissing ?? $"no cache lookups counted by '{hitsMetric}' and '{missesMetric}' {window.Describe()}");
        }
        return (hitCount / (hitCount + missCount), null);
    }

    private async Task<KpiMeasurement> DatabaseQueriesPerRequestAsync(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.DatabaseQueriesPerRequest;
        var (result, missing) = await MetricAsync(options.DatabaseOperationDurationMetric, "rate", window, null, [], cancellationToken);
        if (result?.Series.FirstOrDefault()?.Values[0] is not { } queriesPerSecond)
        {
            return KpiMeasurement.NoData(id, window, UnitOf(id), missing ?? $"no database operations counted {window.Describe()}");
        }
        var requests = await RequestsAsync(window, cancellationToken);
        return requests.Count > 0
            ? KpiMeasurement.Measured(id, window, queriesPerSecond * window.Length.TotalSeconds / requests.Count, UnitOf(id), $"over {requests.Count:N0} requests ({requests.Source})")
            : KpiMeasurement.NoData(id, window, UnitOf(id), $"no requests served {window.Describe()} ({requests.Source})");
    }

    private async Task<KpiMeasurement> CostPerRequestAsync(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.CostPerRequest;
        if (cost.Monthly() is not { } monthly)
        {
            return KpiMeasurement.NoData(id, window, UnitOf(id), "no cost: set Cost:MonthlyUsd, or Cost:Phase to a phase of the roadmap's infrastructure table");
        }
        var requests = await RequestsAsync(window, cancellationToken);
        return requests.Count > 0
            ? KpiMeasurement.Measured(id, window, (double)cost.Over(window.Length)!.Value / requests.Count, UnitOf(id),
                $"{monthly.MonthlyUsd:0.##} USD a month ({monthly.Source}) over {requests.Count:N0} requests ({requests.Source})")
            : KpiMeasurement.NoData(id, window, UnitOf(id), $"no requests served {window.Describe()} ({requests.Source})");
    }

    private async Task<KpiMeasurement> CostPerUserAsync(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.CostPerUser;
        if (cost.Monthly() is not { } monthly)
        {
            return KpiMeasurement.NoData(id, window, UnitOf(id), "no cost: set Cost:MonthlyUsd, or Cost:Phase to a phase of the roadmap's infrastructure table");
        }
        var (result, missing) = await MetricAsync(options.MonthlyActiveUsersMetric, "max", window, null, [], cancellationToken);
        if (result?.Series.FirstOrDefault()?.Values[0] is not { } users || users <= 0)
        {
            return KpiMeasurement.NoData(id, window, UnitOf(id), missing ?? $"no monthly active users counted by '{options.MonthlyActiveUsersMetric}' {window.Describe()}");
        }
        return KpiMeasurement.Measured(id, window, (double)monthly.MonthlyUsd / users, UnitOf(id),
            $"{monthly.MonthlyUsd:0.##} USD a month ({monthly.Source}) over {users:N0} monthly active users");
    }

    private async Task<KpiMeasurement> ChangeAsync(string changeId, KpiWindow window, CancellationToken cancellationToken)
    {
        var baseId = KnownKpis.BaseOf(changeId)!;
        var baseline = await baselines.GetAsync(baseId, cancellationToken);
        if (baseline is null)
        {
            return KpiMeasurement.NoData(changeId, window, UnitOf(changeId), $"no baseline of {baseId} recorded: record one (POST /api/kpis/{baseId}/baseline) while the baseline phase runs");
        }
        var now = await MeasureAsync(baseId, window, cancellationToken);
        if (now.Value is not { } current)
        {
            return KpiMeasurement.NoData(changeId, window, UnitOf(changeId), $"{baseId} has no value now: {now.NoDataReason}");
        }
        if (baseline.Value == 0)
        {
            return KpiMeasurement.NoData(changeId, window, UnitOf(changeId), $"the recorded baseline of {baseId} is 0, so a change cannot be stated as a percentage");
        }
        return KpiMeasurement.Measured(changeId, window, (current - baseline.Value) / baseline.Value * 100, UnitOf(changeId),
            $"{baseId} {Format(current)} now against {Format(baseline.Value)} recorded {baseline.RecordedAt.UtcDateTime:yyyy-MM-dd HH:mm}Z" +
            (baseline.Phase is { } phase ? $" (phase {phase})" : ""));
    }

    private async Task<KpiMeasurement> UptimeAsync(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.Uptime;
        var (result, missing) = await MetricAsync(options.ProbeSuccessMetric, "avg", window, null, ["probe.name"], cancellationToken);
        var probes = result?.Series.Where(s => s.Values[0] is not null).ToList() ?? [];
        if (probes.Count == 0)
        {
            return KpiMeasurement.NoData(id, window, UnitOf(id), missing ?? $"no probe results {window.Describe()}: configure Monitoring:Probes");
        }
        // Overall uptime: the share of checks every probe passed, each probe weighing the same.
        var overall = probes.Average(p => p.Values[0]!.Value);
        return KpiMeasurement.Measured(id, window, overall * 100, UnitOf(id),
            string.Join(", ", probes.Select(p => $"{(p.Labels.TryGetValue("probe.name", out var name) ? name : "probe")} {p.Values[0]!.Value * 100:0.###}%")));
    }

    private async Task<KpiMeasurement> IncidentDurationAsync(string id, KpiWindow window, CancellationToken cancellationToken)
    {
        var detected = await incidents.DetectedBetweenAsync(window.From, window.To, cancellationToken);
        var durations = id == KnownKpis.Mttd
            ? detected.Select(i => i.DetectedAt - i.ImpactStart)
            : detected.Where(i => i.ResolvedAt is not null).Select(i => i.ResolvedAt!.Value - i.DetectedAt);
        if (DurationStatistics.Of(durations) is not { } statistics)
        {
            var what = id == KnownKpis.Mttd ? "detected" : "detected and resolved";
            return KpiMeasurement.NoData(id, window, UnitOf(id), $"no incidents {what} {window.Describe()}");
        }
        return KpiMeasurement.Measured(id, window, statistics.Mean.TotalMinutes, UnitOf(id),
            $"mean of {statistics.Count} incidents; median {statistics.Median.TotalMinutes:0.##} min, p90 {statistics.P90.TotalMinutes:0.##} min");
    }

    private async Task<KpiMeasurement> DeploymentDurationAsync(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.DeploymentDuration;
        var (result, missing) = await MetricAsync(options.DeploymentDurationMetric, "max", window, null, [], cancellationToken);
        if (result?.Series.FirstOrDefault()?.Values[0] is not { } longest)
        {
            return KpiMeasurement.NoData(id, window, UnitOf(id), missing ?? $"no deployments finished {window.Describe()}");
        }
        var factor = await MillisecondsPerUnitAsync(options.DeploymentDurationMetric, cancellationToken);
        return KpiMeasurement.Measured(id, window, longest * factor / 60_000, UnitOf(id), $"longest deployment reported by '{options.DeploymentDurationMetric}'");
    }

    private async Task<KpiMeasurement> DeploymentFrequencyAsync(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.DeploymentFrequency;
        var (result, missing) = await MetricAsync(options.DeploymentDurationMetric, "rate", window, null, [], cancellationToken);
        if (result?.Series.FirstOrDefault()?.Values[0] is not { } perSecond)
        {
            return KpiMeasurement.NoData(id, window, UnitOf(id), missing ?? $"no deployments counted {window.Describe()}");
        }
        var count = perSecond * window.Length.TotalSeconds;
        return KpiMeasurement.Measured(id, window, count / window.Length.TotalDays, UnitOf(id), $"{count:0} deployments in {window.Length.TotalHours:0.#} h");
    }

    private async Task<KpiMeasurement> LeadTimeAsync(KpiWindow window, CancellationToken cancellationToken)
    {
        const string id = KnownKpis.LeadTime;
        var median = await DurationQuantileAsync(options.DeploymentLeadTimeMetric, "p50", window, [], cancellationToken);
        return median.Value is { } milliseconds
            ? KpiMeasurement.Measured(id, window, milliseconds / 3_600_000, UnitOf(id), $"median of '{options.DeploymentLeadTimeMetric}'")
            : KpiMeasurement.NoData(id, window, UnitOf(id), median.Missing!);
    }

    /// <summary>Requests users made: server spans of the edge service, or of every service.</summary>
    private async Task<(long Count, string Source)> RequestsAsync(KpiWindow window, CancellationToken cancellationToken)
    {
        var edge = string.IsNullOrEmpty(options.EdgeService) ? null : options.EdgeService;
        var red = await _red.WindowAsync(edge, ServerKinds, window.From, window.To, cancellationToken);
        return (red.Requests, edge is null ? "server spans of every service; set Kpis:EdgeService to count each request once" : $"server spans of {edge}");
    }

    /// <summary>A quantile of a duration histogram over the whole window, in milliseconds whatever the metric's unit.</summary>
    private async Task<(double? Value, string? Missing)> DurationQuantileAsync(
        string metric, string quantile, KpiWindow window, IReadOnlyList<string> by, CancellationToken cancellationToken, params KeyValuePair<string, string>[] matchers)
    {
        var (result, missing) = await MetricAsync(metric, quantile, window, null, by, cancellationToken, matchers);
        if (result?.Series.FirstOrDefault()?.Values[0] is not { } value)
        {
            var filter = matchers.Length == 0 ? "" : " with " + string.Join(", ", matchers.Select(m => $"{m.Key}={m.Value}"));
            return (null, missing ?? $"no observations in '{metric}'{filter} {window.Describe()}");
        }
        return (value * await MillisecondsPerUnitAsync(metric, cancellationToken), null);
    }

    private async Task<double> MillisecondsPerUnitAsync(string metric, CancellationToken cancellationToken)
    {
        var descriptor = (await telemetry.GetMetricDescriptorsAsync(cancellationToken)).FirstOrDefault(d => d.Name == metric);
        return descriptor?.Unit switch
        {
            "ms" => 1,
            "us" => 0.001,
            "min" => 60_000,
            "h" => 3_600_000,
            _ => 1_000, // "s", the semantic conventions' unit for every duration
        };
    }

    /// <summary>
    /// A metric aggregated over the window in steps (the whole window as one step when <paramref name="step"/> is null),
    /// or no result and why.
    /// </summary>
    private async Task<(MetricQueryResult? Result, string? Missing)> MetricAsync(
        string metric, string aggregation, KpiWindow window, TimeSpan? step, IReadOnlyList<string>? by, CancellationToken cancellationToken,
        params KeyValuePair<string, string>[] matchers)
    {
        var from = UnixTime.Nanos(window.From);
        var to = UnixTime.Nanos(window.To);
        var stepNanos = step is { } s ? s.Ticks * 100 : to - from;
        var request = new MetricQueryRequest(metric, from, to, stepNanos, MetricAggregation.Parse(aggregation), by);
        var samples = await telemetry.GetMetricSamplesAsync(new MetricSampleQuery
        {
            MetricName = metric,
            FromUnixNanos = request.LoadFromUnixNanos,
            ToUnixNanos = to,
            Matchers = matchers,
            Limit = MaxSamples + 1,
        }, cancellationToken);
        if (samples.Count > MaxSamples)
        {
            return (null, $"more than {MaxSamples:N0} points of '{metric}' {window.Describe()}: measure a shorter window");
        }
        try
        {
            var result = MetricQueryEngine.Run(request, samples);
            return result.NoData is { } noData ? (null, noData) : (result, null);
        }
        catch (MetricQueryException error)
        {
            return (null, error.Message);
        }
    }

    private static (SortedDictionary<string, string> Labels, double Value)? Busiest(MetricQueryResult? result)
    {
        var values = result?.Series.Where(s => s.Values[0] is not null).Select(s => (s.Labels, Value: s.Values[0]!.Value)).ToList();
        return values is { Count: > 0 } ? values.MaxBy(v => v.Value) : null;
    }

    /// <summary>Numerator over denominator for every label set both have a value for.</summary>
    private static IEnumerable<(SortedDictionary<string, string> Labels, double Value)> Ratios(MetricQueryResult numerator, MetricQueryResult denominator)
    {
        var below = denominator.Series
            .Where(s => s.Values[0] is > 0)
            .ToDictionary(s => Describe(s.Labels), s => s.Values[0]!.Value, StringComparer.Ordinal);
        foreach (var series in numerator.Series)
        {
            if (series.Values[0] is { } value && below.TryGetValue(Describe(series.Labels), out var divisor))
            {
                yield return (series.Labels, value / divisor);
            }
        }
    }

    private static string Describe(SortedDictionary<string, string> labels) =>
        labels.Count == 0 ? "all" : string.Join(", ", labels.Select(l => $"{l.Key}={l.Value}"));

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";

    private static string Format(double value) => value.ToString(Math.Abs(value) >= 100 ? "0" : "0.#####", CultureInfo.InvariantCulture);
}

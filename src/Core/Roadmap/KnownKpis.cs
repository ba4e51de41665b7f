namespace Observability.Core.Roadmap;

/// <summary>
/// A KPI the roadmap can target: what is measured, in which unit, from which telemetry. <see cref="Units"/> lists
/// the units a roadmap file may write a threshold in, each with its factor to <see cref="Unit"/>.
/// </summary>
/// <param name="MeasurementWindow">
/// The window each tick measures this KPI over when it is not the roadmap's measurement window: rare events (incidents,
/// deployments) need days of history to have a value at all.
/// </param>
public sealed record KpiDefinition(string Id, string Unit, string Description, IReadOnlyDictionary<string, double> Units, TimeSpan? MeasurementWindow = null)
{
    /// <summary>True for a change against a recorded baseline ("-50% from phase 1"); the target names the baseline's phase.</summary>
    public bool IsChange => Id.EndsWith("_change", StringComparison.Ordinal);
}

/// <summary>Every KPI a roadmap target may name.</summary>
public static class KnownKpis
{
    private static readonly Dictionary<string, double> Milliseconds = new() { ["ms"] = 1, ["s"] = 1_000, ["min"] = 60_000 };
    private static readonly Dictionary<string, double> Minutes = new() { ["s"] = 1.0 / 60, ["min"] = 1, ["h"] = 60 };
    private static readonly Dictionary<string, double> Hours = new() { ["min"] = 1.0 / 60, ["h"] = 1, ["d"] = 24 };
    private static readonly Dictionary<string, double> Percent = new() { ["%"] = 1 };

    public const string ConcurrentUsers = "concurrent_users";
    public const string ResponseTimeP99 = "response_time_p99";
    public const string DatabaseCpu = "database_cpu";
    public const string MemoryUsage = "memory_usage";
    public const string InstanceCpu = "instance_cpu";
    public const string DatabaseReadLatency = "database_read_latency";
    public const string ReplicationLag = "replication_lag";
    public const string QueryP99 = "query_p99";
    public const string DeploymentDuration = "deployment_duration";
    public const string ServiceLatencyP95 = "service_latency_p95";
    public const string MessageThroughput = "message_throughput";
    public const string CacheHitRatio = "cache_hit_ratio";
    public const string DatabaseQueriesChange = "database_queries_change";
    public const string GlobalLatencyP95 = "global_latency_p95";
    public const string RegionalLatencyP95 = "regional_latency_p95";
    public const string Uptime = "uptime";
    public const string Mttd = "mttd";
    public const string Mttr = "mttr";
    public const string CostPerRequestChange = "cost_per_request_change";
    public const string CostPerUser = "cost_per_user";
    public const string DeploymentFrequency = "deployment_frequency";
    public const string LeadTime = "lead_time";
    public const string CostPerRequest = "cost_per_request";
    public const string DatabaseQueriesPerRequest = "database_queries_per_request";

    /// <summary>The KPI a change KPI compares against its recorded baseline.</summary>
    public static string? BaseOf(string changeKpiId) => changeKpiId switch
    {
        DatabaseQueriesChange => DatabaseQueriesPerRequest,
        CostPerRequestChange => CostPerRequest,
        _ => null,
    };

    public static readonly IReadOnlyDictionary<string, KpiDefinition> All = new KpiDefinition[]
    {
        new(ConcurrentUsers, "users", "Signed-in users at once, from the active-sessions metric (peak over the window).", new Dictionary<string, double> { ["users"] = 1 }),
        new(ResponseTimeP99, "ms", "p99 duration of server spans of every service, merged from the rollups.", Milliseconds),
        new(DatabaseCpu, "%", "CPU of the database server processes, as a share of one core per instance, from the database scraper.", Percent),
        new(MemoryUsage, "%", "Resident memory of the busiest instance as a share of the memory available to it (process.memory.usage).", Percent),
        new(InstanceCpu, "%", "CPU of the busiest service instance (process.cpu.time per service.instance.id), as a share of its cores.", Percent),
        new(DatabaseReadLatency, "ms", "p95 duration of database client spans that read (SELECT).", Milliseconds),
        new(ReplicationLag, "ms", "Largest replay lag of any monitored PostgreSQL replica.", Milliseconds),
        new(QueryP99, "ms", "p99 duration of database client spans.", Milliseconds),
        new(DeploymentDuration, "min", "Longest deployment in the window (the last day), from deployment.* telemetry.", Minutes, TimeSpan.FromDays(1)),
        new(ServiceLatencyP95, "ms", "Largest p95 of server spans over the services, per service.", Milliseconds),
        new(MessageThroughput, "msg/s", "Messages published per second (messaging metrics, else producer spans).", new Dictionary<string, double> { ["msg/s"] = 1 }),
        new(CacheHitRatio, "%", "Cache hits over hits and misses, from cache metrics or Redis INFO stats.", Percent),
        new(DatabaseQueriesChange, "%", "Database statements per request, change against the recorded baseline.", Percent),
        new(GlobalLatencyP95, "ms", "p95 of server spans over every region.", Milliseconds),
        new(RegionalLatencyP95, "ms", "Largest p95 of server spans within one cloud.region.", Milliseconds),
        new(Uptime, "%", "Share of synthetic probe checks that succeeded.", Percent),
        new(Mttd, "min", "Mean time from impact start to detection over the incidents detected in the window (the last 30 days).", Minutes, TimeSpan.FromDays(30)),
        new(Mttr, "min", "Mean time from detection to resolution over the incidents detected in the window (the last 30 days).", Minutes, TimeSpan.FromDays(30)),
        new(CostPerRequestChange, "%", "Infrastructure cost per request served, change against the recorded baseline.", Percent),
        new(CostPerUser, "USD/month", "Monthly infrastructure cost over monthly active users.", new Dictionary<string, double> { ["USD/month"] = 1 }),
        new(DeploymentFrequency, "per day", "Deployments per day over the last 7 days, from deployment.* telemetry.", new Dictionary<string, double> { ["per day"] = 1, ["per week"] = 1.0 / 7 }, TimeSpan.FromDays(7)),
        new(LeadTime, "h", "Median time from a change's commit to its deployment over the last 7 days (deployment.lead_time).", Hours, TimeSpan.FromDays(7)),
        new(CostPerRequest, "USD", "Infrastructure cost over the window divided by the requests served in it.", new Dictionary<string, double> { ["USD"] = 1 }),
        new(DatabaseQueriesPerRequest, "queries", "Database statements per request served.", new Dictionary<string, double> { ["queries"] = 1 }),
    }.ToDictionary(kpi => kpi.Id, StringComparer.Ordinal);
}

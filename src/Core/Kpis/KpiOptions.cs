namespace Observability.Core.Kpis;

/// <summary>
/// Settings "Kpis:*": which metric each KPI reads. Defaults follow the OpenTelemetry semantic conventions where one
/// exists; the others name what the sample workload and the Collector's own scrapers and probes emit.
/// </summary>
public sealed class KpiOptions
{
    public const string Section = "Kpis";

    /// <summary>Signed-in users at once (an up-down counter or gauge).</summary>
    public string ActiveSessionsMetric { get; set; } = "app.sessions.active";

    /// <summary>
    /// How the instances' session counts combine: "max" when every instance reports the same shared count (sessions
    /// in Redis, as the sample workload keeps them), "sum" when each counts only the sessions it holds itself.
    /// </summary>
    public string ActiveSessionsAcrossInstances { get; set; } = "max";

    /// <summary>Distinct users this month (a gauge), for cost per user.</summary>
    public string MonthlyActiveUsersMetric { get; set; } = "app.users.monthly_active";

    /// <summary>HTTP server duration histogram (semantic conventions), for global and regional latency.</summary>
    public string HttpServerDurationMetric { get; set; } = "http.server.request.duration";

    /// <summary>Database client operation duration histogram (semantic conventions; Npgsql 10 emits it).</summary>
    public string DatabaseOperationDurationMetric { get; set; } = "db.client.operation.duration";

    /// <summary>
    /// Which database operations are reads, as label=value filters on <see cref="DatabaseOperationDurationMetric"/>
    /// separated by "|", tried in order: the semantic conventions' operation name, then a read replica's connection
    /// pool (Npgsql labels points with its data source's name; the sample workload names them primary and replica).
    /// </summary>
    public string DatabaseReadMatch { get; set; } = "db.operation.name=SELECT|db.client.connection.pool.name=replica";

    /// <summary>Process CPU time counter (semantic conventions) and the cores the process may use (.NET runtime metric).</summary>
    public string ProcessCpuTimeMetric { get; set; } = "process.cpu.time";

    public string ProcessCpuCountMetric { get; set; } = "dotnet.process.cpu.count";

    /// <summary>Process resident memory (semantic conventions) and the memory available to it.</summary>
    public string ProcessMemoryMetric { get; set; } = "process.memory.usage";

    public string MemoryLimitMetric { get; set; } = "system.memory.limit";

    /// <summary>Database server CPU as a share of the machine's cores (0..1), written by the PostgreSQL scraper.</summary>
    public string DatabaseCpuMetric { get; set; } = "postgresql.cpu.utilization";

    /// <summary>Replica replay lag in seconds, written by the PostgreSQL scraper.</summary>
    public string ReplicationLagMetric { get; set; } = "postgresql.replication.lag";

    /// <summary>Cache hit and miss counters of the application (cache-aside layers).</summary>
    public string CacheHitsMetric { get; set; } = "cache.hits";

    public string CacheMissesMetric { get; set; } = "cache.misses";

    /// <summary>Redis keyspace hit and miss counters, written by the Redis scraper; used when the application has none.</summary>
    public string RedisHitsMetric { get; set; } = "redis.keyspace.hits";

    public string RedisMissesMetric { get; set; } = "redis.keyspace.misses";

    /// <summary>Messages published (semantic conventions).</summary>
    public string MessagesSentMetric { get; set; } = "messaging.client.sent.messages";

    /// <summary>Synthetic probe results, 1 for success and 0 for failure, written by the Collector's probes.</summary>
    public string ProbeSuccessMetric { get; set; } = "probe.success";

    /// <summary>Deployment duration histogram in seconds, one observation per finished deployment.</summary>
    public string DeploymentDurationMetric { get; set; } = "deployment.duration";

    /// <summary>Lead time histogram in seconds: from a change's commit to its deployment.</summary>
    public string DeploymentLeadTimeMetric { get; set; } = "deployment.lead_time";

    /// <summary>
    /// The service whose server spans count the requests users made (e.g. the API gateway), for cost per request and
    /// queries per request. Empty: every service's server spans, which counts a request once per service it crosses.
    /// </summary>
    public string EdgeService { get; set; } = "";

    /// <summary>Step over which level metrics (users, lag) are read before taking their peak.</summary>
    public TimeSpan LevelStep { get; set; } = TimeSpan.FromSeconds(15);
}

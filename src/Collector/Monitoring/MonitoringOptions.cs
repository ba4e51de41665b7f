namespace Observability.Collector.Monitoring;

/// <summary>
/// Settings "Monitoring:*": what the Collector watches itself, besides receiving OTLP. Each entry is named by its key:
/// <c>Monitoring:Postgres:primary:ConnectionString</c>, <c>Monitoring:Redis:cache:ConnectionString</c>,
/// <c>Monitoring:Probes:storefront:Url</c>.
/// </summary>
public sealed class MonitoringOptions
{
    public const string Section = "Monitoring";

    public Dictionary<string, PostgresTarget> Postgres { get; set; } = [];

    public Dictionary<string, RedisTarget> Redis { get; set; } = [];

    public Dictionary<string, ProbeTarget> Probes { get; set; } = [];

    /// <summary>Probe schedule, a 6-field (seconds first) cron expression: every 10 s by default.</summary>
    public string ProbeSchedule { get; set; } = "*/10 * * * * *";

    /// <summary>
    /// Scraper schedule for PostgreSQL and Redis: every 10 s, 2 s past the ten, so a KPI tick (on the quarter minute)
    /// never reads a scrape older than 13 s and a replication-lag breach shows within about 25 s.
    /// </summary>
    public string ScrapeSchedule { get; set; } = "2/10 * * * * *";
}

/// <summary>A PostgreSQL server to watch: replication from <c>pg_stat_replication</c> and replay on replicas, CPU when local.</summary>
public sealed class PostgresTarget
{
    public string ConnectionString { get; set; } = "";
}

/// <summary>A Redis server to watch through INFO.</summary>
public sealed class RedisTarget
{
    /// <summary>A StackExchange.Redis configuration string, e.g. "127.0.0.1:6379,password=...".</summary>
    public string ConnectionString { get; set; } = "";
}

/// <summary>A synthetic HTTP check: uptime is the share of checks that got the expected status within the timeout.</summary>
public sealed class ProbeTarget
{
    public string Url { get; set; } = "";

    public double TimeoutSeconds { get; set; } = 5;

    public int ExpectedStatus { get; set; } = 200;
}

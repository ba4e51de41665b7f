using System.ComponentModel.DataAnnotations;

namespace Observability.Core.Storage;

/// <summary>The "Storage" configuration section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Sqlite (embedded, default) or Postgres (uses ConnectionStrings:Postgres).</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    public SqliteStorageOptions Sqlite { get; set; } = new();

    /// <summary>Days raw spans, logs, metric points and 10-second rollups are kept.</summary>
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 7;

    /// <summary>Days 1-minute and 1-hour rollups are kept: long enough for monthly and yearly reports.</summary>
    [Range(1, 3650)]
    public int RollupRetentionDays { get; set; } = 400;

    /// <summary>Days KPI samples and webhook delivery records are kept: long enough for a 30-day verdict and a monthly report.</summary>
    [Range(1, 3650)]
    public int KpiRetentionDays { get; set; } = 35;

    /// <summary>Hangfire cron (UTC) of the retention pass; hourly by default.</summary>
    public string RetentionSchedule { get; set; } = "7 * * * *";
}

public enum StorageProvider
{
    Sqlite,
    Postgres,
}

public sealed class SqliteStorageOptions
{
    /// <summary>The database file; its folder is created when missing.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "data/observability.db";

    /// <summary>
    /// SQLite's synchronous setting in WAL mode. FULL (default) makes every commit durable through a power loss;
    /// NORMAL survives a process crash but may lose the last commits on power loss.
    /// </summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;
}

public enum SqliteSynchronous
{
    Normal,
    Full,
}

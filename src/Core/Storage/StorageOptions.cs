using System.ComponentModel.DataAnnotations;

namespace Observability.Core.Storage;

/// <summary>The "Storage" configuration section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Sqlite (embedded, default) or Postgres (uses ConnectionStrings:Postgres).</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    public SqliteStorageOptions Sqlite { get; set; } = new();
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

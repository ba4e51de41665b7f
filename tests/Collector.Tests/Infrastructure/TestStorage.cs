using Observability.Tests.Shared;

namespace Observability.Collector.Tests.Infrastructure;

/// <summary>Where a test Collector stores its data: a fresh SQLite file or a fresh PostgreSQL database.</summary>
public sealed class TestStorage : IDisposable
{
    private readonly string? _folder;

    private TestStorage(string name, IReadOnlyDictionary<string, string?> settings, string? folder)
    {
        Name = name;
        Settings = settings;
        _folder = folder;
    }

    public string Name { get; }

    /// <summary>The SQLite storage's own temporary folder, for files a test host needs beside it (removed with it).</summary>
    public string Folder => _folder ?? throw new InvalidOperationException("PostgreSQL storage has no folder");

    /// <summary>Configuration keys that select this storage.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public static TestStorage Sqlite()
    {
        var folder = Directory.CreateTempSubdirectory("obs-collector-").FullName;
        return new TestStorage("sqlite", new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:Sqlite:Path"] = Path.Combine(folder, "observability.db"),
        }, folder);
    }

    public static async Task<TestStorage> PostgresAsync(PostgresServer server)
    {
        var connectionString = await server.CreateDatabaseAsync("collector_" + Guid.NewGuid().ToString("N")[..12]);
        return new TestStorage("postgres", new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = connectionString,
        }, null);
    }

    public void Dispose()
    {
        if (_folder is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A killed Collector process may still hold the file for a moment; the temp folder is cleaned up later.
            }
        }
    }
}

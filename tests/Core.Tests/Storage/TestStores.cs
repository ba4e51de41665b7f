using Microsoft.Extensions.Logging.Abstractions;
using Observability.Core.Storage;
using Observability.Core.Storage.Postgres;
using Observability.Core.Storage.Sqlite;
using Observability.Tests.Shared;

namespace Observability.Core.Tests.Storage;

/// <summary>Fresh, initialized stores for the table-set contracts (KPIs, alerting): a SQLite file or a new PostgreSQL database.</summary>
internal static class TestStores
{
    public static async Task<ITelemetryStore> SqliteAsync(string folder, string fileName)
    {
        var store = new SqliteTelemetryStore(new SqliteStorageOptions { Path = Path.Combine(folder, fileName) }, NullLogger<SqliteTelemetryStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public static async Task<ITelemetryStore> PostgresAsync(PostgresServer server, string databasePrefix)
    {
        var connectionString = await server.CreateDatabaseAsync(databasePrefix + Guid.NewGuid().ToString("N")[..12]);
        var store = new PostgresTelemetryStore(connectionString, NullLogger<PostgresTelemetryStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }
}

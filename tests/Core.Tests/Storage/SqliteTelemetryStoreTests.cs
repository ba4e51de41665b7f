using Microsoft.Extensions.Logging.Abstractions;
using Observability.Core.Storage;
using Observability.Core.Storage.Sqlite;

namespace Observability.Core.Tests.Storage;

public sealed class SqliteTelemetryStoreTests : TelemetryStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("obs-sqlite-").FullName;

    protected override ITelemetryStore CreateStore(string name) =>
        new SqliteTelemetryStore(new SqliteStorageOptions { Path = Path.Combine(_folder, name + ".db") }, NullLogger<SqliteTelemetryStore>.Instance);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

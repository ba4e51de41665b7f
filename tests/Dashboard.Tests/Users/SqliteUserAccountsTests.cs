using System.Security.Claims;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Observability.Core.Security;
using Observability.Core.Storage;
using Observability.Core.Storage.Postgres;
using Observability.Core.Storage.Sqlite;
using Observability.Dashboard.Users;
using Observability.Tests.Shared;

namespace Observability.Dashboard.Tests.Users;

/// <summary>The embedded store.</summary>
public sealed class SqliteUserAccountsTests : UserAccountsContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "observability-users-" + Guid.NewGuid().ToString("N")[..8]);

    protected override Task<ITelemetryStore> CreateStoreAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.FromResult<ITelemetryStore>(
            new SqliteTelemetryStore(new SqliteStorageOptions { Path = Path.Combine(_folder, "test.db") }, NullLogger<SqliteTelemetryStore>.Instance));
    }

    protected override void DeleteStore() => Directory.Delete(_folder, recursive: true);
}

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

/// <summary>PostgreSQL, a real server started by the fixture; a database per test.</summary>
public sealed class PostgresUserAccountsTests(PostgresServer server) : UserAccountsContract, IClassFixture<PostgresServer>
{
    protected override async Task<ITelemetryStore> CreateStoreAsync() => new PostgresTelemetryStore(
        await server.CreateDatabaseAsync("users_" + Guid.NewGuid().ToString("N")[..12]), NullLogger<PostgresTelemetryStore>.Instance);
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Observability.Core.Security;
using Observability.Core.Storage;
using Observability.Core.Storage.Sqlite;
using Observability.Dashboard.Users;

namespace Observability.Dashboard.Tests.Users;

/// <summary>A signed-in principal checked against the user store, as each request and each open page is.</summary>
public sealed class UserSessionCheckTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("obs-sessions-").FullName;
    private SqliteTelemetryStore _store = null!;
    private UserAccounts _accounts = null!;
    private UserSessionCheck _check = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteTelemetryStore(new SqliteStorageOptions { Path = Path.Combine(_folder, "test.db") }, NullLogger<SqliteTelemetryStore>.Instance);
        await _store.InitializeAsync(CancellationToken.None);
        _accounts = new UserAccounts(_store, new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero)));
        _check = new UserSessionCheck(_accounts);
        await _accounts.CreateAsync("admin", "admin-long-password", KnownRoles.Admin, CancellationToken.None);
        await _accounts.CreateAsync("bob", "bobs-long-password", KnownRoles.OnCall, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<System.Security.Claims.ClaimsPrincipal> SignInBobAsync() =>
        (await _accounts.SignInAsync("bob", "bobs-long-password", "Cookies", CancellationToken.None))!;

    [Fact]
    public async Task An_unchanged_user_keeps_their_session()
    {
        var bob = await SignInBobAsync();

        Assert.Same(bob, await _check.CurrentAsync(bob, CancellationToken.None));
    }

    [Fact]
    public async Task A_disabled_user_loses_their_session()
    {
        var bob = await SignInBobAsync();

        await _accounts.SetDisabledAsync("bob", true, CancellationToken.None);

        Assert.Null(await _check.CurrentAsync(bob, CancellationToken.None));
    }

    [Fact]
    public async Task A_new_role_replaces_the_one_in_the_session()
    {
        var bob = await SignInBobAsync();

        await _accounts.ChangeRoleAsync("bob", KnownRoles.Sre, CancellationToken.None);
        var current = await _check.CurrentAsync(bob, CancellationToken.None);

        Assert.NotSame(bob, current);
        Assert.True(current!.IsInRole(KnownRoles.Sre));
        Assert.False(current.IsInRole(KnownRoles.OnCall));
        Assert.Equal(("bob", "Cookies"), (current.Identity!.Name, current.Identity.AuthenticationType));
    }
}

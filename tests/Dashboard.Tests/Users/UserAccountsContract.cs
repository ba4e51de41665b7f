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

/// <summary>Users in a real store of either kind: created with a hashed password, signed in only with the right one.</summary>
public abstract class UserAccountsContract : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero));
    private ITelemetryStore _store = null!;
    private UserAccounts _accounts = null!;

    protected abstract Task<ITelemetryStore> CreateStoreAsync();

    protected virtual void DeleteStore()
    {
    }

    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        await _store.InitializeAsync(CancellationToken.None);
        _accounts = new UserAccounts(_store, _time);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        DeleteStore();
    }

    [Fact]
    public async Task A_user_signs_in_with_the_right_password_and_gets_their_role()
    {
        await _accounts.CreateAsync("alice", "correct horse battery", "sre", CancellationToken.None);

        var principal = await _accounts.SignInAsync("Alice", "correct horse battery", "Cookies", CancellationToken.None);

        Assert.NotNull(principal);
        Assert.Equal("alice", principal.Identity!.Name);
        Assert.True(principal.IsInRole(KnownRoles.Sre));
        var stored = await _store.Users.FindAsync("ALICE", CancellationToken.None);
        Assert.Equal(_time.GetUtcNow(), stored!.CreatedAt);
        Assert.DoesNotContain("correct horse battery", stored.PasswordHash);
    }

    [Fact]
    public async Task A_wrong_password_an_unknown_name_and_a_disabled_user_are_all_refused_alike()
    {
        await _accounts.CreateAsync("bob", "bobs-long-password", KnownRoles.OnCall, CancellationToken.None);
        await _accounts.CreateAsync("carol", "carols-long-password", KnownRoles.Executive, CancellationToken.None);
        await _store.Users.SetDisabledAsync("carol", _time.GetUtcNow(), CancellationToken.None);

        Assert.Null(await _accounts.SignInAsync("bob", "bobs-long-passwore", "Cookies", CancellationToken.None));
        Assert.Null(await _accounts.SignInAsync("nobody", "bobs-long-password", "Cookies", CancellationToken.None));
        Assert.Null(await _accounts.SignInAsync("carol", "carols-long-password", "Cookies", CancellationToken.None));
        Assert.Null(await _accounts.SignInAsync("", "", "Cookies", CancellationToken.None));
    }

    [Theory]
    [InlineData("dave", "short", "SRE", "password")]
    [InlineData("has space", "long-enough-password", "SRE", "name")]
    [InlineData("erin", "long-enough-password", "Root", "role")]
    public async Task A_user_that_cannot_be_created_is_refused_naming_the_field(string name, string password, string role, string field)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _accounts.CreateAsync(name, password, role, CancellationToken.None));

        Assert.Equal(field, error.ParamName);
        Assert.Empty(await _store.Users.GetAllAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_name_is_taken_whatever_its_case()
    {
        await _accounts.CreateAsync("admin", "first-admin-password", KnownRoles.Admin, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _accounts.CreateAsync("Admin", "second-admin-password", KnownRoles.Sre, CancellationToken.None));

        Assert.Equal("a user named 'Admin' already exists (Parameter 'name')", error.Message);
        var only = Assert.Single(await _store.Users.GetAllAsync(CancellationToken.None));
        Assert.Equal(KnownRoles.Admin, only.Role);
    }

    [Fact]
    public void Generated_passwords_are_long_and_different()
    {
        var passwords = Enumerable.Range(0, 20).Select(_ => UserAccounts.GeneratePassword()).ToList();

        Assert.All(passwords, p => Assert.True(p.Length >= UserAccounts.MinimumPasswordLength, p));
        Assert.Equal(passwords.Count, passwords.Distinct().Count());
    }

    [Fact]
    public async Task A_role_change_and_a_new_password_are_stored_and_the_last_enabled_admin_is_kept()
    {
        await _accounts.CreateAsync("admin", "first-admin-password", KnownRoles.Admin, CancellationToken.None);
        await _accounts.CreateAsync("bob", "bobs-long-password", KnownRoles.OnCall, CancellationToken.None);

        await _accounts.ChangeRoleAsync("BOB", "admin", CancellationToken.None);
        await _accounts.SetDisabledAsync("admin", true, CancellationToken.None);
        var lastAdmin = await Assert.ThrowsAsync<InvalidOperationException>(() => _accounts.ChangeRoleAsync("bob", KnownRoles.Sre, CancellationToken.None));
        await _accounts.ResetPasswordAsync("bob", "bobs-newer-password", CancellationToken.None);

        Assert.StartsWith("cannot change the role of bob: they are the only enabled admin", lastAdmin.Message);
        var principal = await _accounts.SignInAsync("bob", "bobs-newer-password", "Cookies", CancellationToken.None);
        Assert.True(principal!.IsInRole(KnownRoles.Admin));
        Assert.Null(await _accounts.SignInAsync("bob", "bobs-long-password", "Cookies", CancellationToken.None));
        Assert.Null(await _accounts.SignInAsync("admin", "first-admin-password", "Cookies", CancellationToken.None));
        Assert.False(await _store.Users.SetRoleAsync("nobody", KnownRoles.Sre, CancellationToken.None));
    }
}

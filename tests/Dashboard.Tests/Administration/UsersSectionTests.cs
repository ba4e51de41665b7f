using Bunit;
using Observability.Core.Security;
using Observability.Dashboard.Components.Administration;

namespace Observability.Dashboard.Tests.Administration;

public sealed class UsersSectionTests : AdministrationContext
{
    private IRenderedComponent<UsersSection> RenderAs(string name, string role)
    {
        SignInAs(name, role);
        return Context.Render<UsersSection>();
    }

    private static IReadOnlyList<string> Names(IRenderedComponent<UsersSection> section) =>
        [.. section.FindAll("[data-testid=user-name]").Select(cell => cell.TextContent.Trim())];

    [Fact]
    public async Task Lists_every_user_with_role_creation_time_and_status()
    {
        await Accounts.CreateAsync("admin", "admin-long-password", KnownRoles.Admin, CancellationToken.None);
        await Accounts.CreateAsync("bob", "bobs-long-password", KnownRoles.OnCall, CancellationToken.None);
        await Accounts.SetDisabledAsync("bob", true, CancellationToken.None);

        var section = RenderAs("admin", KnownRoles.Admin);

        Assert.Equal(["admin", "bob"], Names(section));
        var bob = section.Find("[data-testid=user-row][data-name=bob]");
        Assert.Equal(KnownRoles.OnCall, bob.QuerySelector("option[selected]")!.GetAttribute("value"));
        Assert.Contains("2026-11-26 03:00", bob.TextContent);
        Assert.Equal("disabled since 2026-11-26 03:00", bob.QuerySelector("[data-testid=user-status]")!.TextContent.Trim());
        Assert.Equal("Enable", bob.QuerySelector("[data-testid=user-toggle]")!.TextContent.Trim());
    }

    [Fact]
    public void Says_so_when_there_are_no_users()
    {
        var section = RenderAs("admin", KnownRoles.Admin);

        Assert.Equal("No users yet.", section.Find("[data-testid=users-none]").TextContent.Trim());
    }

    [Fact]
    public async Task A_short_initial_password_is_refused_naming_the_minimum_and_creates_nobody()
    {
        var section = RenderAs("admin", KnownRoles.Admin);

        section.Find("[data-testid=new-name]").Input("carol");
        section.Find("[data-testid=new-password]").Input("short");
        await section.Find("[data-testid=create-user]").ClickAsync(new());

        Assert.Equal("Password must be at least 12 characters.", section.Find("[data-testid=users-message]").TextContent.Trim());
        Assert.Empty(await Store.Users.GetAllAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_admin_creates_a_user_with_a_role_who_can_then_sign_in()
    {
        var section = RenderAs("admin", KnownRoles.Admin);

        section.Find("[data-testid=new-name]").Input("carol");
        section.Find("[data-testid=new-role]").Change(KnownRoles.Sre);
        section.Find("[data-testid=new-password]").Input("carols-long-password");
        await section.Find("[data-testid=create-user]").ClickAsync(new());

        Assert.Equal("Created carol (SRE); they can sign in now.", section.Find("[data-testid=users-message]").TextContent.Trim());
        Assert.Equal(["carol"], Names(section));
        var principal = await Accounts.SignInAsync("carol", "carols-long-password", "Cookies", CancellationToken.None);
        Assert.True(principal!.IsInRole(KnownRoles.Sre));
    }

    [Fact]
    public async Task Changing_a_role_in_the_list_stores_it()
    {
        await Accounts.CreateAsync("admin", "admin-long-password", KnownRoles.Admin, CancellationToken.None);
        await Accounts.CreateAsync("bob", "bobs-long-password", KnownRoles.OnCall, CancellationToken.None);
        var section = RenderAs("admin", KnownRoles.Admin);

        await section.Find("[data-testid=user-row][data-name=bob] [data-testid=user-role]").ChangeAsync(new() { Value = KnownRoles.Sre });

        Assert.Equal("bob is now SRE (from their next request).", section.Find("[data-testid=users-message]").TextContent.Trim());
        Assert.Equal(KnownRoles.Sre, (await Store.Users.FindAsync("bob", CancellationToken.None))!.Role);
    }

    [Fact]
    public async Task The_only_admin_can_neither_demote_nor_disable_themselves()
    {
        await Accounts.CreateAsync("admin", "admin-long-password", KnownRoles.Admin, CancellationToken.None);
        var section = RenderAs("admin", KnownRoles.Admin);

        await section.Find("[data-testid=user-row][data-name=admin] [data-testid=user-role]").ChangeAsync(new() { Value = KnownRoles.Sre });
        var demote = section.Find("[data-testid=users-message]").TextContent.Trim();
        await section.Find("[data-testid=user-row][data-name=admin] [data-testid=user-toggle]").ClickAsync(new());
        var disable = section.Find("[data-testid=users-message]").TextContent.Trim();

        Assert.StartsWith("Cannot change the role of admin: they are the only enabled admin", demote);
        Assert.StartsWith("Cannot disable admin: they are the only enabled admin", disable);
        var stored = await Store.Users.FindAsync("admin", CancellationToken.None);
        Assert.Equal((KnownRoles.Admin, false), (stored!.Role, stored.IsDisabled));
    }

    [Fact]
    public async Task Disabling_a_user_stops_their_sign_in_and_enabling_restores_it()
    {
        await Accounts.CreateAsync("admin", "admin-long-password", KnownRoles.Admin, CancellationToken.None);
        await Accounts.CreateAsync("bob", "bobs-long-password", KnownRoles.OnCall, CancellationToken.None);
        var section = RenderAs("admin", KnownRoles.Admin);

        await section.Find("[data-testid=user-row][data-name=bob] [data-testid=user-toggle]").ClickAsync(new());
        var whileDisabled = await Accounts.SignInAsync("bob", "bobs-long-password", "Cookies", CancellationToken.None);
        Assert.Equal("Disabled bob: they can no longer sign in.", section.Find("[data-testid=users-message]").TextContent.Trim());
        await section.Find("[data-testid=user-row][data-name=bob] [data-testid=user-toggle]").ClickAsync(new());

        Assert.Null(whileDisabled);
        Assert.Equal("enabled", section.Find("[data-testid=user-row][data-name=bob] [data-testid=user-status]").TextContent.Trim());
        Assert.NotNull(await Accounts.SignInAsync("bob", "bobs-long-password", "Cookies", CancellationToken.None));
    }

    [Fact]
    public async Task A_reset_password_replaces_the_old_one()
    {
        await Accounts.CreateAsync("admin", "admin-long-password", KnownRoles.Admin, CancellationToken.None);
        await Accounts.CreateAsync("bob", "bobs-long-password", KnownRoles.OnCall, CancellationToken.None);
        var section = RenderAs("admin", KnownRoles.Admin);

        await section.Find("[data-testid=user-row][data-name=bob] [data-testid=user-reset]").ClickAsync(new());
        section.Find("[data-testid=reset-password]").Input("bobs-new-long-password");
        await section.Find("[data-testid=reset-save]").ClickAsync(new());

        Assert.Equal("Set a new password for bob.", section.Find("[data-testid=users-message]").TextContent.Trim());
        Assert.Null(await Accounts.SignInAsync("bob", "bobs-long-password", "Cookies", CancellationToken.None));
        Assert.NotNull(await Accounts.SignInAsync("bob", "bobs-new-long-password", "Cookies", CancellationToken.None));
    }

    [Fact]
    public async Task A_user_without_the_admin_role_is_refused_by_the_server_even_if_the_form_is_shown()
    {
        var section = RenderAs("sam", KnownRoles.Sre);

        section.Find("[data-testid=new-name]").Input("mallory");
        section.Find("[data-testid=new-password]").Input("mallorys-long-password");
        await section.Find("[data-testid=create-user]").ClickAsync(new());

        Assert.Equal("This needs the Admin role; 'sam' has the role SRE.", section.Find("[data-testid=users-message]").TextContent.Trim());
        Assert.Empty(await Store.Users.GetAllAsync(CancellationToken.None));
    }
}

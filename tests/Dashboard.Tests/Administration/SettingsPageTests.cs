using Bunit;
using Observability.Core.Security;
using SettingsPage = Observability.Dashboard.Components.Pages.Settings;

namespace Observability.Dashboard.Tests.Administration;

public sealed class SettingsPageTests : AdministrationContext
{
    [Fact]
    public void An_admin_sees_users_webhooks_rules_and_the_cost_model()
    {
        SignInAs("admin", KnownRoles.Admin);

        var page = Context.Render<SettingsPage>();

        foreach (var section in new[] { "users-section", "webhooks-section", "rules-section", "cost-section" })
        {
            Assert.Single(page.FindAll($"[data-testid={section}]"));
        }
        Assert.Empty(page.FindAll("[data-testid=admin-only]"));
    }

    [Fact]
    public void An_sre_sees_rules_and_the_cost_model_but_not_users_or_webhooks()
    {
        SignInAs("sam", KnownRoles.Sre);

        var page = Context.Render<SettingsPage>();

        Assert.Empty(page.FindAll("[data-testid=users-section]"));
        Assert.Empty(page.FindAll("[data-testid=webhooks-section]"));
        Assert.Single(page.FindAll("[data-testid=rules-section]"));
        Assert.Single(page.FindAll("[data-testid=cost-section]"));
        Assert.Equal("Users and webhooks are managed by admins; you see the alert rules and the cost model.", page.Find("[data-testid=admin-only]").TextContent.Trim());
    }
}

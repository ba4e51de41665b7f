using Microsoft.Playwright;
using Observability.Core.Alerting.Notifications;
using Observability.Core.Security;
using Observability.EndToEnd.Tests.Infrastructure;
using Observability.Tests.Shared;

namespace Observability.EndToEnd.Tests.Administration;

/// <summary>Settings in Chromium against the running Dashboard: users, webhooks, what an SRE sees, and sign-in rate limiting.</summary>
public sealed class SettingsPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    /// <summary>Opens Settings and waits until the circuit handles clicks (the prerendered page does not).</summary>
    private static async Task OpenSettingsAsync(IPage page)
    {
        await page.GotoAsync("/settings");
        await Assertions.Expect(page.Locator("[data-testid=settings][data-interactive=true]")).ToBeAttachedAsync();
    }

    [Fact]
    public async Task An_admin_creates_an_on_call_user_who_then_signs_in_with_that_role()
    {
        var page = await fixture.SignInAsAsync(KnownRoles.Admin);
        await OpenSettingsAsync(page);
        var name = "oncall-" + Guid.NewGuid().ToString("N")[..6];

        await page.FillAsync("[data-testid=new-name]", name);
        await page.SelectOptionAsync("[data-testid=new-role]", KnownRoles.OnCall);
        await page.FillAsync("[data-testid=new-password]", "short");
        await page.ClickAsync("[data-testid=create-user]");
        await Assertions.Expect(page.Locator("[data-testid=users-message]")).ToHaveTextAsync("Password must be at least 12 characters.");
        await page.FillAsync("[data-testid=new-password]", "on-call-long-password");
        await page.ClickAsync("[data-testid=create-user]");

        await Assertions.Expect(page.Locator("[data-testid=users-message]")).ToHaveTextAsync($"Created {name} (OnCall); they can sign in now.");
        await Assertions.Expect(page.Locator($"[data-testid=user-row][data-name={name}] [data-testid=user-status]")).ToHaveTextAsync("enabled");
        await BrowserFixture.SaveScreenshotAsync(page, "settings");

        var theirs = await fixture.NewPageAsync();
        await theirs.GotoAsync("/");
        await BrowserFixture.SignInAsync(theirs, name, "on-call-long-password");
        await theirs.WaitForURLAsync(fixture.Dashboard.Url + "/");
        await Assertions.Expect(theirs.Locator("[data-testid=signed-in-as]")).ToHaveTextAsync($"{name} (OnCall)");
    }

    [Fact]
    public async Task A_user_disabled_in_settings_is_signed_out_at_their_next_page()
    {
        var name = "leaver-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Dashboard.CreateUserAsync(name, "leavers-long-password", KnownRoles.OnCall);
        var theirs = await fixture.NewPageAsync();
        await theirs.GotoAsync("/");
        await BrowserFixture.SignInAsync(theirs, name, "leavers-long-password");
        await theirs.WaitForURLAsync(fixture.Dashboard.Url + "/");
        var admin = await fixture.SignInAsAsync(KnownRoles.Admin);
        await OpenSettingsAsync(admin);

        await admin.ClickAsync($"[data-testid=user-row][data-name={name}] [data-testid=user-toggle]");
        await Assertions.Expect(admin.Locator("[data-testid=users-message]")).ToHaveTextAsync($"Disabled {name}: they can no longer sign in.");
        await theirs.GotoAsync("/alerts");

        // Sent to sign in, back to the page they asked for afterwards, which they can no longer do.
        Assert.EndsWith("/signin?ReturnUrl=%2Falerts", theirs.Url);
        await Assertions.Expect(theirs.Locator("h1")).ToHaveTextAsync("Sign in to Observability");
    }

    [Fact]
    public async Task An_sre_sees_the_rules_and_cost_model_but_not_users_or_webhooks()
    {
        var page = await fixture.SignInAsAsync(KnownRoles.Sre);

        await OpenSettingsAsync(page);

        await Assertions.Expect(page.Locator("[data-testid=rules-section]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=rules-source]")).ToContainTextAsync("No rules file is configured (Alerting:RulesPath is empty)");
        await Assertions.Expect(page.Locator("[data-testid=cost-section]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=admin-only]")).ToHaveTextAsync("Users and webhooks are managed by admins; you see the alert rules and the cost model.");
        Assert.Equal(0, await page.Locator("[data-testid=users-section]").CountAsync());
        Assert.Equal(0, await page.Locator("[data-testid=webhooks-section]").CountAsync());

        // A mistake in the rules is pointed at by line and column, and nothing is saved.
        await page.FillAsync("[data-testid=rules-text]", "rules:\n  - name: Bad\n    kpi: p99\n    comparator: \">\"\n    threshold: 1\n    window: five\n");
        await page.ClickAsync("[data-testid=rules-validate]");
        await Assertions.Expect(page.Locator("[data-testid=rules-check]")).ToContainTextAsync("line ");
    }

    [Fact]
    public async Task An_admin_sets_the_monthly_cost_and_the_next_kpi_tick_divides_it()
    {
        var (page, name) = await fixture.SignInAsNewUserAsync(KnownRoles.Admin);
        await OpenSettingsAsync(page);

        await page.FillAsync("[data-testid=cost-input]", "12x");
        await page.ClickAsync("[data-testid=cost-save]");
        await Assertions.Expect(page.Locator("[data-testid=cost-message]")).ToHaveTextAsync("Monthly cost '12x' is not a number of US dollars like 4200 or 4200.50.");
        await page.FillAsync("[data-testid=cost-input]", "3,100");
        await page.ClickAsync("[data-testid=cost-save]");

        await Assertions.Expect(page.Locator("[data-testid=cost-monthly]")).ToContainTextAsync($"3,100 USD a month, from the Settings page (set by {name} at ");
        await Assertions.Expect(page.Locator("[data-testid=cost-change]").First).ToContainTextAsync($"3,100 USD a month, by {name}");

        // The KPI job, as the Collector's recurring job runs it, divides the cost set on the page.
        Reports.ReportTelemetry.SendServerSpans(fixture.Dashboard.OtlpGrpcUrl, "e2e-cost-gateway", count: 50, errors: 0, durationMilliseconds: 20);
        var sample = await Reports.ReportTelemetry.MeasureUntilValuedAsync(fixture.Dashboard.Services, Observability.Core.Roadmap.KnownKpis.CostPerRequest, TimeSpan.FromSeconds(30));
        Assert.Contains($"3100 USD a month (the Settings page (set by {name} at ", sample.Measurement.Detail);
    }

    [Fact]
    public async Task An_admin_adds_a_webhook_and_its_test_notification_arrives_signed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        const string secret = "e2e-webhook-secret";
        var page = await fixture.SignInAsAsync(KnownRoles.Admin);
        await OpenSettingsAsync(page);

        await page.FillAsync("[data-testid=webhook-name]", "e2e-hook");
        await page.FillAsync("[data-testid=webhook-url]", receiver.Url);
        await page.FillAsync("[data-testid=webhook-secret]", secret);
        await page.ClickAsync("[data-testid=webhook-add]");
        await Assertions.Expect(page.Locator("[data-testid=webhooks-message]")).ToHaveTextAsync("Added e2e-hook; its secret is stored and not shown again.");
        await page.ClickAsync("[data-testid=webhook-row][data-name=e2e-hook] [data-testid=webhook-test]");

        await Assertions.Expect(page.Locator("[data-testid=webhook-row][data-name=e2e-hook] [data-testid=webhook-test-result]"))
            .ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^delivered: HTTP 200 in \d+ ms$"));
        var request = Assert.Single(receiver.Received);
        Assert.True(WebhookSignature.Verify(secret, request.Header(WebhookSignature.HeaderName), request.Body, DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance));
        Assert.Contains("\"alertname\":\"ObservabilityTestNotification\"", request.BodyText);
        Assert.DoesNotContain(secret, await page.ContentAsync());
    }

    [Fact]
    public async Task Repeated_failed_sign_ins_are_answered_429_with_retry_after_while_others_still_sign_in()
    {
        var name = "target-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Dashboard.CreateUserAsync(name, "targets-long-password", KnownRoles.Sre);
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/signin");

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await BrowserFixture.SignInAsync(page, name, "wrong-password-" + attempt);
            await Assertions.Expect(page.Locator("[data-testid=signin-failed]")).ToBeVisibleAsync();
        }
        var refused = await page.RunAndWaitForResponseAsync(
            () => BrowserFixture.SignInAsync(page, name, "targets-long-password"), response => response.Url.EndsWith("/account/signin", StringComparison.Ordinal));

        Assert.Equal(429, refused.Status);
        Assert.InRange(int.Parse((await refused.HeaderValueAsync("retry-after"))!), 1, 60);
        Assert.StartsWith("Too many failed sign-ins for this user name from your address (5 in 1 minute). Try again in ", await refused.TextAsync());

        // Another user from the same address is not held back.
        var other = await fixture.NewPageAsync();
        await other.GotoAsync("/");
        await BrowserFixture.SignInAsync(other, "admin", fixture.Dashboard.AdminPassword);
        await other.WaitForURLAsync(fixture.Dashboard.Url + "/");
    }
}

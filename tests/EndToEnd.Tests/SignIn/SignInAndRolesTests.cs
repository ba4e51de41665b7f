using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Observability.Core.Roadmap;
using Observability.Core.Security;
using Observability.EndToEnd.Tests.Infrastructure;

namespace Observability.EndToEnd.Tests.SignIn;

/// <summary>Sign-in, the Overview and the admin-only Hangfire dashboard, in Chromium against the running Dashboard.</summary>
public sealed class SignInAndRolesTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string FailedMessage = "The user name or password is not right.";

    private static async Task SignInAsync(IPage page, string name, string password)
    {
        await page.FillAsync("#name", name);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
    }

    [Fact]
    public async Task An_anonymous_visit_is_sent_to_sign_in()
    {
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/");

        Assert.Matches(new Regex("/signin\\?ReturnUrl=%2F$"), page.Url);
        Assert.Equal("Sign in to Observability", (await page.TextContentAsync("h1"))?.Trim());
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_the_same_words_as_an_unknown_user()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");

        await SignInAsync(page, "admin", "not-the-password");
        var wrongPassword = (await page.TextContentAsync("[data-testid=signin-failed]"))?.Trim();
        await SignInAsync(page, "nobody-by-this-name", "not-the-password");
        var unknownUser = (await page.TextContentAsync("[data-testid=signin-failed]"))?.Trim();

        Assert.Equal(FailedMessage, wrongPassword);
        Assert.Equal(FailedMessage, unknownUser);
        Assert.Contains("/signin", page.Url);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "observability.auth");
    }

    [Fact]
    public async Task Admin_signs_in_and_sees_the_phase_targets_on_the_overview_which_refreshes()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");

        await SignInAsync(page, "admin", fixture.Dashboard.AdminPassword);

        await page.WaitForURLAsync(fixture.Dashboard.Url + "/");
        var roadmap = fixture.Dashboard.Services.GetRequiredService<RoadmapDefinition>();
        var phase = roadmap.Phase(1)!;
        Assert.Equal($"Phase 1: {phase.Name} (0 of {phase.Targets.Count} targets met, {phase.Targets.Count} without data)",
            (await page.TextContentAsync("[data-testid=phase-title]"))?.Trim());
        var targets = page.Locator("[data-testid=target]");
        Assert.Equal(phase.Targets.Count, await targets.CountAsync());
        for (var i = 0; i < phase.Targets.Count; i++)
        {
            var text = await targets.Nth(i).TextContentAsync();
            Assert.Contains($"{phase.Targets[i].Text} · no data: ", text);
        }
        Assert.Equal("admin (Admin)", (await page.TextContentAsync("[data-testid=signed-in-as]"))?.Trim());
        Assert.Contains("No spans arrived in the last minute", await page.TextContentAsync("[data-testid=red-now]"));

        // Live: the interactive page reads again within a few seconds (the timer runs in the circuit, not in the prerender).
        var firstRead = await page.TextContentAsync("[data-testid=read-at]");
        await Assertions.Expect(page.Locator("[data-testid=read-at]")).Not.ToHaveTextAsync(firstRead!, new() { Timeout = 15_000 });

        Directory.CreateDirectory(BrowserFixture.ScreenshotFolder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "overview-no-data.png"), FullPage = true });
    }

    [Fact]
    public async Task The_hangfire_dashboard_opens_for_an_admin()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/hangfire");
        await SignInAsync(page, "admin", fixture.Dashboard.AdminPassword);

        await page.WaitForURLAsync(fixture.Dashboard.Url + "/hangfire");
        var response = await page.ReloadAsync();

        Assert.Equal(200, response!.Status);
        Assert.Contains("Hangfire", await page.TitleAsync());
        Assert.Contains("Recurring Jobs", await page.ContentAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_user_who_is_not_an_admin_gets_403_on_the_hangfire_dashboard()
    {
        var name = "sre-" + Guid.NewGuid().ToString("N")[..6];
        var password = "sre-password-" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Dashboard.CreateUserAsync(name, password, KnownRoles.Sre);
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        await SignInAsync(page, name, password);
        await page.WaitForURLAsync(fixture.Dashboard.Url + "/");
        Assert.Equal($"{name} (SRE)", (await page.TextContentAsync("[data-testid=signed-in-as]"))?.Trim());

        var response = await page.GotoAsync("/hangfire");

        Assert.Equal(403, response!.Status);
        Assert.Contains("needs the Admin role", await page.TextContentAsync("body"));
        Assert.DoesNotContain("Recurring Jobs", await page.ContentAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_signed_in_sre_may_do_what_an_sre_token_may_and_on_call_may_not()
    {
        async Task<IAPIResponse> RecordBaselineAsync(string role)
        {
            var name = role.ToLowerInvariant() + "-" + Guid.NewGuid().ToString("N")[..6];
            var password = "long-password-" + Guid.NewGuid().ToString("N")[..8];
            await fixture.Dashboard.CreateUserAsync(name, password, role);
            var page = await fixture.NewPageAsync();
            await page.GotoAsync("/");
            await SignInAsync(page, name, password);
            await page.WaitForURLAsync(fixture.Dashboard.Url + "/");
            // The session cookie alone, as a script on the page would send it.
            return await page.Context.APIRequest.PostAsync("/api/kpis/response_time_p99/baseline", new() { DataObject = new { } });
        }

        var sre = await RecordBaselineAsync(KnownRoles.Sre);
        var onCall = await RecordBaselineAsync(KnownRoles.OnCall);

        // Allowed: the request reaches the endpoint, which has no telemetry to take a baseline from.
        Assert.Equal(409, sre.Status);
        Assert.Contains("response_time_p99 has no value", await sre.TextAsync());
        Assert.Equal(403, onCall.Status);
        Assert.Contains("has the role OnCall; POST", await onCall.TextAsync());
        Assert.Contains("needs one of: SRE, Admin", await onCall.TextAsync());
        Assert.DoesNotContain("token '", await onCall.TextAsync());
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        await SignInAsync(page, "admin", fixture.Dashboard.AdminPassword);
        await page.WaitForURLAsync(fixture.Dashboard.Url + "/");

        await page.ClickAsync("text=Sign out");
        await page.WaitForURLAsync(new Regex("/signin$"));
        await page.GotoAsync("/");

        Assert.Matches(new Regex("/signin\\?ReturnUrl=%2F$"), page.Url);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "observability.auth");
    }
}

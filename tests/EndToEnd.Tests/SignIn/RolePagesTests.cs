using Microsoft.Playwright;
using Observability.Core.Security;
using Observability.Dashboard.Navigation;
using Observability.EndToEnd.Tests.Infrastructure;

namespace Observability.EndToEnd.Tests.SignIn;

/// <summary>Each role signs in and sees exactly the pages it may open; a page it may not open is refused when typed in.</summary>
public sealed class RolePagesTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    public static TheoryData<string> Roles => [.. KnownRoles.All];

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task A_role_sees_its_pages_in_the_menu_and_is_refused_the_others(string role)
    {
        var page = await fixture.SignInAsAsync(role);
        var allowed = DashboardPages.All.Where(p => p.Allows(role)).ToList();
        var refused = DashboardPages.All.Where(p => !p.Allows(role)).ToList();
        var expectedMenu = allowed.Select(p => p.Title).Concat(role == KnownRoles.Admin ? ["Hangfire jobs"] : []).ToList();

        // The menu is drawn once the circuit has the user; wait for its last entry before reading them all.
        await Assertions.Expect(page.Locator("[data-testid=nav]").Last).ToHaveTextAsync(expectedMenu[^1]);
        var menu = (await page.Locator("[data-testid=nav]").AllTextContentsAsync()).Select(t => t.Trim()).ToList();
        Assert.Equal(expectedMenu, menu);

        foreach (var open in allowed)
        {
            var response = await page.GotoAsync(open.Path);
            Assert.True(response!.Status == 200, $"{role} opening {open.Path}: {response.Status}");
            await Assertions.Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(open.Title)));
        }
        foreach (var closed in refused)
        {
            var response = await page.GotoAsync(closed.Path);
            Assert.True(response!.Status == 403, $"{role} opening {closed.Path}: {response.Status}");
            Assert.Contains($"has the role {role}", await page.TextContentAsync("body"));
        }
    }

    [Fact]
    public async Task An_anonymous_visit_to_any_page_is_sent_to_sign_in()
    {
        foreach (var target in DashboardPages.All.Where(p => p.Path != "/"))
        {
            var page = await fixture.NewPageAsync();
            var response = await page.GotoAsync(target.Path);

            Assert.True(response!.Status == 200 && page.Url.EndsWith($"/signin?ReturnUrl={Uri.EscapeDataString(target.Path)}", StringComparison.Ordinal),
                $"{target.Path}: {response.Status} at {page.Url}");
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task An_executive_reads_the_reports_but_investigates_and_operates_nothing()
    {
        // The roles' promise in words (KnownRoles): executives read the overview, roadmap, SLOs and the SLA report.
        Assert.Equal(["Overview", "Roadmap", "SLOs", "SLA report"],
            DashboardPages.All.Where(p => p.Allows(KnownRoles.Executive)).Select(p => p.Title));
        Assert.Equal(DashboardPages.All.Count - 2, DashboardPages.All.Count(p => p.Allows(KnownRoles.OnCall)));
        Assert.All(DashboardPages.All, p => Assert.True(p.Allows(KnownRoles.Admin)));

        var page = await fixture.SignInAsAsync(KnownRoles.Executive);
        var response = await page.GotoAsync(DashboardPages.Settings.Path);

        Assert.Equal(403, response!.Status);
        Assert.Contains("needs the SRE or Admin role", await page.TextContentAsync("body"));
    }
}

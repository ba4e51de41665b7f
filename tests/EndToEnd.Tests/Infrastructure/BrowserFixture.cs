using Microsoft.Playwright;

namespace Observability.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright (never a downloaded browser: scripts/test.sh installs the chromium package),
/// and one Dashboard for the tests of a class.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public DashboardServer Dashboard { get; private set; } = null!;

    /// <summary>Screenshots go beside the test results, one per page visited by a test that takes one.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run scripts/test.sh, which installs Debian's chromium package.");
        }
        Dashboard = await StartDashboardAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    /// <summary>The Dashboard the tests of a class share; a fixture for other settings or the demo overrides this.</summary>
    protected virtual Task<DashboardServer> StartDashboardAsync() => DashboardServer.StartAsync();

    /// <summary>A fresh browser context: no cookies from another test.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Dashboard.Url, ViewportSize = new() { Width = 1400, Height = 900 } });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// A fresh browser context signed in as a new user of the role (admin: the first admin), on the Overview.
    /// </summary>
    public async Task<IPage> SignInAsAsync(string role)
    {
        if (role != Core.Security.KnownRoles.Admin)
        {
            return (await SignInAsNewUserAsync(role)).Page;
        }
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await SignInAsync(page, "admin", Dashboard.AdminPassword);
        await page.WaitForURLAsync(Dashboard.Url + "/");
        return page;
    }

    /// <summary>A fresh browser context signed in as a new user of the role, on the Overview; and the user's name.</summary>
    public async Task<(IPage Page, string Name)> SignInAsNewUserAsync(string role)
    {
        var name = role.ToLowerInvariant() + "-" + Guid.NewGuid().ToString("N")[..6];
        var password = "long-password-" + Guid.NewGuid().ToString("N")[..8];
        await Dashboard.CreateUserAsync(name, password, role);
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await SignInAsync(page, name, password);
        await page.WaitForURLAsync(Dashboard.Url + "/");
        return (page, name);
    }

    /// <summary>Fills and posts the sign-in form the page shows.</summary>
    public static async Task SignInAsync(IPage page, string name, string password)
    {
        await page.FillAsync("#name", name);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
    }

    /// <summary>A full-page screenshot under the test results (TestResults/screenshots/NAME.png), as the README shows them.</summary>
    public static async Task SaveScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (Dashboard is not null)
        {
            await Dashboard.DisposeAsync();
        }
    }
}

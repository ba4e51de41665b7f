using Microsoft.Playwright;

namespace Observability.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright (never a downloaded browser: scripts/test.sh installs the chromium package),
/// and one Dashboard for the tests of a class.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
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
        Dashboard = await DashboardServer.StartAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    /// <summary>A fresh browser context: no cookies from another test.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Dashboard.Url });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// A fresh browser context signed in as a new user of the role (admin: the first admin), on the Overview.
    /// </summary>
    public async Task<IPage> SignInAsAsync(string role)
    {
        string name, password;
        if (role == Core.Security.KnownRoles.Admin)
        {
            (name, password) = ("admin", Dashboard.AdminPassword);
        }
        else
        {
            name = role.ToLowerInvariant() + "-" + Guid.NewGuid().ToString("N")[..6];
            password = "long-password-" + Guid.NewGuid().ToString("N")[..8];
            await Dashboard.CreateUserAsync(name, password, role);
        }
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await SignInAsync(page, name, password);
        await page.WaitForURLAsync(Dashboard.Url + "/");
        return page;
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

    public async Task DisposeAsync()
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

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

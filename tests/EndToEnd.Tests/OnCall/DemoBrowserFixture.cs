using System.Text.Json;
using Microsoft.Playwright;
using Observability.EndToEnd.Tests.Infrastructure;

namespace Observability.EndToEnd.Tests.OnCall;

/// <summary>
/// Debian's Chromium and one Dashboard started WITH the demo workload (as <c>dotnet run --project src/Dashboard</c>
/// does), for tests that need the sample system's live telemetry and its fault API.
/// </summary>
public sealed class DemoBrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public DashboardServer Dashboard { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(BrowserFixture.ChromiumPath))
        {
            throw new InvalidOperationException($"{BrowserFixture.ChromiumPath} is missing: run scripts/test.sh, which installs Debian's chromium package.");
        }
        Dashboard = await DashboardServer.StartWithDemoAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    /// <summary>A fresh browser context signed in as a new user of the role, on the Overview; and the user's name.</summary>
    public async Task<(IPage Page, string Name)> SignInAsNewUserAsync(string role)
    {
        var name = role.ToLowerInvariant() + "-" + Guid.NewGuid().ToString("N")[..6];
        var password = "long-password-" + Guid.NewGuid().ToString("N")[..8];
        await Dashboard.CreateUserAsync(name, password, role);
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Dashboard.Url, ViewportSize = new() { Width = 1400, Height = 900 } });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await BrowserFixture.SignInAsync(page, name, password);
        await page.WaitForURLAsync(Dashboard.Url + "/");
        return (page, name);
    }

    /// <summary>GET on the Dashboard's own API (reads need no token), as JSON.</summary>
    public async Task<JsonElement> GetApiAsync(string pathAndQuery)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Dashboard.Url), Timeout = TimeSpan.FromSeconds(10) };
        return JsonDocument.Parse(await http.GetStringAsync(pathAndQuery)).RootElement.Clone();
    }

    /// <summary>What to read when a step did not happen in time: the alerts, the incidents and the demo's last output.</summary>
    public async Task<string> DiagnosticsAsync()
    {
        var output = Dashboard.Demo?.Output.Split(Environment.NewLine).TakeLast(40) ?? [];
        return $"{Environment.NewLine}GET /api/alerts: {await TryGetApiAsync("/api/alerts")}" +
            $"{Environment.NewLine}GET /api/incidents: {await TryGetApiAsync("/api/incidents")}" +
            $"{Environment.NewLine}Demo output (last 40 lines):{Environment.NewLine}{string.Join(Environment.NewLine, output)}";
    }

    private async Task<string> TryGetApiAsync(string pathAndQuery)
    {
        try
        {
            return (await GetApiAsync(pathAndQuery)).ToString();
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException)
        {
            return $"(could not be read: {error.Message})";
        }
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

using System.Text.Json;
using Microsoft.Playwright;
using Observability.EndToEnd.Tests.Infrastructure;

namespace Observability.EndToEnd.Tests.OnCall;

/// <summary>
/// Debian's Chromium and one Dashboard started WITH the demo workload (as <c>dotnet run --project src/Dashboard</c>
/// does), for tests that need the sample system's live telemetry and its fault API.
/// </summary>
public sealed class DemoBrowserFixture : BrowserFixture
{
    protected override Task<DashboardServer> StartDashboardAsync() => DashboardServer.StartWithDemoAsync();

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
}

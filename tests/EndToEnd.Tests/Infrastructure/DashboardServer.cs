using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.Users;
using Observability.Tests.Shared;

namespace Observability.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The Dashboard as <c>dotnet run --project src/Dashboard -- --no-demo</c> runs it (the same composition), in this
/// process on free loopback ports, with a temporary data folder and a known admin password.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataFolder;

    private DashboardServer(WebApplication app, string url, string dataFolder, string adminPassword)
    {
        _app = app;
        Url = url;
        _dataFolder = dataFolder;
        AdminPassword = adminPassword;
    }

    /// <summary>The password the first admin gets from Dashboard:AdminPassword.</summary>
    public string AdminPassword { get; }

    public string Url { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<DashboardServer> StartAsync()
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), "observability-e2e-" + Guid.NewGuid().ToString("N")[..8]);
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var adminPassword = "e2e-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        var builder = DashboardHostingExtensions.CreateBuilder([], new Dictionary<string, string?>
        {
            ["urls"] = url,
            ["Collector:OtlpGrpcUrl"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Collector:OtlpHttpUrl"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Dashboard:DataFolder"] = dataFolder,
            ["Dashboard:AdminPassword"] = adminPassword,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddDashboard();
        var app = builder.Build();
        app.MapDashboard();
        await app.StartAsync();
        return new DashboardServer(app, url, dataFolder, adminPassword);
    }

    /// <summary>Adds a user through the user store, as the Settings page will.</summary>
    public Task CreateUserAsync(string name, string password, string role) =>
        _app.Services.GetRequiredService<UserAccounts>().CreateAsync(name, password, role, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the temp folder's cleanup.
        }
    }
}

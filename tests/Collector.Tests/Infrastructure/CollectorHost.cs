using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Observability.Collector.Hosting;
using Observability.Collector.Ingest;
using Observability.Core.Security;
using Observability.Core.Storage;
using Observability.Tests.Shared;

namespace Observability.Collector.Tests.Infrastructure;

/// <summary>The real Collector host, started in this process on free loopback ports.</summary>
public sealed class CollectorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CollectorHost(WebApplication app, string grpcUrl, string httpUrl, string apiUrl)
    {
        _app = app;
        GrpcUrl = grpcUrl;
        HttpUrl = httpUrl;
        ApiUrl = apiUrl;
    }

    public string GrpcUrl { get; }

    public string HttpUrl { get; }

    public string ApiUrl { get; }

    public IServiceProvider Services => _app.Services;

    public ITelemetryStore Store => _app.Services.GetRequiredService<ITelemetryStore>();

    public IngestQueue Queue => _app.Services.GetRequiredService<IngestQueue>();

    /// <summary>A cron expression whose next occurrence is at least months away: a recurring job that does not run in a test.</summary>
    public const string NeverSchedule = "0 0 1 1 *";

    /// <summary>An API token per role, configured as Api:Tokens:test-&lt;role&gt; in every test host.</summary>
    public static IReadOnlyDictionary<string, string> Tokens { get; } = KnownRoles.All.ToDictionary(role => role, _ => Convert.ToHexString(RandomNumberGenerator.GetBytes(20)));

    /// <summary>A client of the API sending the token of <paramref name="role"/> (none when null).</summary>
    public HttpClient ApiClient(string? role = KnownRoles.Admin)
    {
        var client = new HttpClient { BaseAddress = new Uri(ApiUrl), Timeout = TimeSpan.FromSeconds(30) };
        if (role is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens[role]);
        }
        return client;
    }

    public static async Task<CollectorHost> StartAsync(
        TestStorage storage,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        // Test processes run side by side: a port found free here can be bound by another process before this host binds
        // it. Such a start is retried on new ports (the ports a test chose itself are its own business).
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryStartAsync(storage, settings, configureServices);
            }
            catch (IOException error) when (error.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException && attempt < 3)
            {
                // Another process took one of the ports between the check and the bind; the next attempt picks new ones.
            }
        }
    }

    private static async Task<CollectorHost> TryStartAsync(
        TestStorage storage,
        IReadOnlyDictionary<string, string?>? settings,
        Action<IServiceCollection>? configureServices)
    {
        var grpcUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var httpUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var apiUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = AppContext.BaseDirectory });
        var configuration = new Dictionary<string, string?>(storage.Settings)
        {
            ["urls"] = apiUrl,
            ["Collector:OtlpGrpcUrl"] = grpcUrl,
            ["Collector:OtlpHttpUrl"] = httpUrl,
        };
        // Alerts are evaluated when a test says so: the recurring evaluation would retire the alerts a test stores by hand
        // (their rules are not in the rule set) and race with its ticks. A test that wants it running sets the schedule.
        configuration["Alerting:EvaluationSchedule"] = NeverSchedule;
        foreach (var (role, token) in Tokens)
        {
            configuration[$"Api:Tokens:test-{role.ToLowerInvariant()}:Token"] = token;
            configuration[$"Api:Tokens:test-{role.ToLowerInvariant()}:Role"] = role;
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddCollector();
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapCollector();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new CollectorHost(app, grpcUrl, httpUrl, apiUrl);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Observability.Collector.Hosting;
using Observability.Dashboard.Administration;
using Observability.Dashboard.Components;
using Observability.Dashboard.OnCall;
using Observability.Dashboard.Overview;
using Observability.Dashboard.Reports;
using Observability.Dashboard.Security;
using Observability.Dashboard.Telemetry;
using Observability.Dashboard.Traces;
using Observability.Dashboard.Users;

namespace Observability.Dashboard.Hosting;

/// <summary>The Dashboard's composition: the Collector in-process, sign-in, the Hangfire dashboard and the Blazor UI.</summary>
public static class DashboardHostingExtensions
{
    /// <summary>
    /// A builder with the Dashboard's defaults under anything the user configures: the UI on
    /// <see cref="DashboardOptions.DefaultUrl"/>, the embedded store in the data folder.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json and the roadmap travel with the binary, wherever the process is started from.
            ContentRootPath = AppContext.BaseDirectory,
            // Static web assets (MudBlazor's, Blazor's) are found by this name, also when a test hosts the Dashboard.
            ApplicationName = typeof(DashboardHostingExtensions).Assembly.GetName().Name,
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        var dataFolder = DataFolder(builder.Configuration);
        var defaults = new Dictionary<string, string?>();
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            defaults[WebHostDefaults.ServerUrlsKey] = DashboardOptions.DefaultUrl;
        }
        if (string.IsNullOrEmpty(builder.Configuration["Storage:Sqlite:Path"]) || builder.Configuration["Storage:Sqlite:Path"] == "data/observability.db")
        {
            defaults["Storage:Sqlite:Path"] = Path.Combine(dataFolder, "observability.db");
        }
        // Right after the settings files, so the environment, the command line and a host's own settings still win, while the
        // Collector's appsettings.json (which a project referencing both may carry instead of the Dashboard's) does not
        // put the database beside the binary's "data/" in place of the Dashboard's data folder.
        var sources = builder.Configuration.Sources;
        var afterFiles = 0;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is Microsoft.Extensions.Configuration.Json.JsonConfigurationSource)
            {
                afterFiles = i + 1;
            }
        }
        sources.Insert(afterFiles, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = defaults });
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    /// <summary>The data folder, absolute (relative paths are under the binary's folder).</summary>
    public static string DataFolder(IConfiguration configuration) =>
        Path.GetFullPath(configuration[$"{DashboardOptions.Section}:DataFolder"] is { Length: > 0 } folder ? folder : "data", AppContext.BaseDirectory);

    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        // The UI and the Collector's API share the one URL setting (default http://localhost:8080); read before the
        // Collector clears it in favour of its own listeners.
        var uiUrls = builder.Configuration[WebHostDefaults.ServerUrlsKey] ?? DashboardOptions.DefaultUrl;
        builder.AddCollector(listenApi: true);
        builder.Services.AddOptions<DashboardOptions>().Bind(builder.Configuration.GetSection(DashboardOptions.Section))
            .Validate(o => o.RefreshMilliseconds >= Components.Shared.PageRefresher.MinimumPeriodMilliseconds,
                $"Dashboard:RefreshMilliseconds must be at least {Components.Shared.PageRefresher.MinimumPeriodMilliseconds}")
            .ValidateOnStart();
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(DataFolder(builder.Configuration), "keys")));
        builder.AddDashboardAuthentication();
        builder.Services.AddSingleton(new StartupMessages { Urls = uiUrls });
        builder.Services.AddSingleton<UserAccounts>();
        builder.Services.AddHostedService<FirstAdminInitializer>();
        builder.Services.AddSingleton<IOverviewSource, OverviewSource>();
        // One registration per group of pages, each in its own folder.
        builder.Services.AddReportPages().AddTelemetryPages().AddTracePages().AddOnCallPages().AddAdministrationPages();
        builder.Services.AddMudServices();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        return builder;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.MapCollector();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapSignIn();
        // Hangfire's own filter allows local requests only; the endpoint's policy (admins, by cookie) decides instead.
        app.MapHangfireDashboard("/hangfire", new Hangfire.DashboardOptions { Authorization = [], AppPath = "/" })
            .RequireAuthorization(DashboardAuthentication.HangfirePolicy);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.Lifetime.ApplicationStarted.Register(() => PrintReady(app));
        return app;
    }

    private static string OtlpUrls(WebApplication app)
    {
        var collector = app.Services.GetRequiredService<IOptions<CollectorOptions>>().Value;
        return $"{collector.OtlpGrpcUrl} gRPC, {collector.OtlpHttpUrl} HTTP";
    }

    private static void PrintReady(WebApplication app)
    {
        var messages = app.Services.GetRequiredService<StartupMessages>();
        Console.WriteLine($"Observability dashboard: {messages.Urls}  (sign in there; OTLP on {OtlpUrls(app)})");
        if (messages.FirstSignIn is { } firstSignIn)
        {
            Console.WriteLine(firstSignIn);
        }
        Console.WriteLine("Ctrl+C stops everything.");
    }
}

using Observability.SampleWorkload.Faults;
using Observability.SampleWorkload.Launcher;
using Observability.SampleWorkload.Shared;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Observability.SampleWorkload.Gateway;

/// <summary>
/// The gateway, hosted in the launcher process (service.name "gateway"): YARP in front of the storefront-api
/// instances, the faults API, and its own /healthz and /metrics.
/// </summary>
internal static class GatewayHost
{
    public static WebApplication Build(GatewayOptions options, ServiceSupervisor supervisor, FaultContext faults)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Url.ToString().TrimEnd('/'));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        // The console is for the launcher's own lines; the gateway's request logs go to OTLP only.
        builder.Logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(null, options.Verbose ? LogLevel.Information : LogLevel.Error);
        // Every active probe is logged at Information, and every probe of an instance still starting as a warning:
        // --verbose shows the failed probes, the default console only errors.
        builder.Logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(
            "Yarp.ReverseProxy.Health.ActiveHealthCheckMonitor", options.Verbose ? LogLevel.Warning : LogLevel.Error);
        builder.AddWorkloadTelemetry(KnownRoles.Run);
        // The launcher handles Ctrl+C and SIGTERM itself and stops the gateway in its turn, after the services.
        builder.Services.AddSingleton<IHostLifetime, LauncherOwnedLifetime>();

        var (routes, clusters) = GatewayRoutes.Build(options.Phase, supervisor.Instances);
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        builder.Services.AddSingleton<ConnectFailover>();
        builder.Services.AddFaults(faults);

        var app = builder.Build();
        app.MapWorkloadTelemetry();
        app.MapGet(KnownPaths.Health, () => Results.Ok(new
        {
            status = "ok",
            phase = options.Phase,
            instances = supervisor.Instances.Select(instance => new
            {
                id = instance.Id,
                service = KnownRoles.ServiceName(instance.Role),
                url = instance.Url,
                version = instance.Version,
                region = instance.Spec.Region,
                running = instance.ProcessId is not null,
            }),
        }));
        app.MapFaults();
        var failover = app.Services.GetRequiredService<ConnectFailover>();
        app.MapReverseProxy(pipeline =>
        {
            pipeline.Use((HttpContext context, Func<Task> next) => failover.InvokeAsync(context, next));
            pipeline.UseSessionAffinity();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });
        return app;
    }

    /// <summary>
    /// Puts an instance the supervisor just saw healthy back into rotation at once, rather than after the next active
    /// probe: a rolling deployment must not stop the next instance while the gateway still avoids the previous one.
    /// </summary>
    public static void MarkHealthy(WebApplication app, ServiceInstance instance)
    {
        var proxy = app.Services.GetRequiredService<IProxyStateLookup>();
        var health = app.Services.GetRequiredService<IDestinationHealthUpdater>();
        foreach (var cluster in proxy.GetClusters())
        {
            if (cluster.Destinations.TryGetValue(instance.Id, out var destination))
            {
                health.SetActive(cluster, [new NewActiveDestinationHealth(destination, DestinationHealth.Healthy)]);
                health.SetPassive(cluster, destination, DestinationHealth.Healthy, TimeSpan.Zero);
            }
        }
    }
}

/// <summary>A host lifetime that leaves signals to the launcher, unlike the default console lifetime.</summary>
internal sealed class LauncherOwnedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Where the gateway listens and what it fronts.</summary>
internal sealed record GatewayOptions
{
    public required Uri Url { get; init; }

    public required int Phase { get; init; }

    public required bool Verbose { get; init; }
}

using Observability.SampleWorkload.Faults;
using Observability.SampleWorkload.Launcher;
using Observability.SampleWorkload.Shared;

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
        builder.AddWorkloadTelemetry(KnownRoles.Run);

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
}

/// <summary>Where the gateway listens and what it fronts.</summary>
internal sealed record GatewayOptions
{
    public required Uri Url { get; init; }

    public required int Phase { get; init; }

    public required bool Verbose { get; init; }
}

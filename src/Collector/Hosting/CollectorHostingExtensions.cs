using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Observability.Collector.Alerting;
using Observability.Collector.Health;
using Observability.Collector.Ingest;
using Observability.Collector.Jobs;
using Observability.Collector.Roadmap;
using Observability.Collector.Security;
using Observability.Collector.Sla;
using Observability.Collector.Otlp;
using Observability.Collector.Otlp.Grpc;
using Observability.Collector.Otlp.Http;
using Observability.Collector.Query;
using Observability.Core.Rollups;
using Observability.Collector.Storage;
using Observability.Core.Storage;
using Observability.Core.Storage.Postgres;
using Observability.Core.Storage.Sqlite;
using Prometheus;

namespace Observability.Collector.Hosting;

/// <summary>The Collector's composition: used by its own Program and by any host that embeds it.</summary>
public static class CollectorHostingExtensions
{
    public const string DefaultApiUrl = "http://localhost:8081";

    /// <summary>
    /// Registers the Collector: OTLP listeners, ingest pipeline, storage and self-metrics.
    /// With <paramref name="listenApi"/> the API and /metrics listen on the ASP.NET Core URL setting (default
    /// <see cref="DefaultApiUrl"/>); a host that embeds the Collector passes false and serves them itself.
    /// </summary>
    public static WebApplicationBuilder AddCollector(this WebApplicationBuilder builder, bool listenApi = true)
    {
        var services = builder.Services;
        services.AddOptions<CollectorOptions>().Bind(builder.Configuration.GetSection(CollectorOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().Bind(builder.Configuration.GetSection(StorageOptions.SectionName)).ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        var collector = CollectorConfiguration.Read(builder.Configuration);
        var apiUrls = (builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls ? urls : DefaultApiUrl)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (listenApi)
        {
            foreach (var url in apiUrls)
            {
                CollectorConfiguration.RequireHttpUrl(url, "urls");
            }
        }
        // The listeners below replace the URL setting; clearing it keeps Kestrel from warning that it was overridden.
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, "");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // OTLP bodies are held to MaxRequestBytes after decompression by the receivers themselves; this outer
            // bound only keeps the default from refusing a large configured limit.
            kestrel.Limits.MaxRequestBodySize = Math.Max(collector.MaxRequestBytes, 30 * 1024 * 1024);
            Listeners.Listen(kestrel, collector.OtlpGrpcUrl, ListenerKind.OtlpGrpc, HttpProtocols.Http2);
            // Plain-text HTTP/2 needs prior knowledge, which browsers and OTLP/HTTP exporters do not use.
            Listeners.Listen(kestrel, collector.OtlpHttpUrl, ListenerKind.OtlpHttp, HttpProtocols.Http1);
            if (listenApi)
            {
                foreach (var url in apiUrls)
                {
                    Listeners.Listen(kestrel, url, ListenerKind.Api, HttpProtocols.Http1);
                }
            }
        });

        services.AddSingleton(Metrics.NewCustomRegistry());
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton<ITelemetryStore>(CreateStore);
        services.AddSingleton<ISpanRollupReader>(provider => provider.GetRequiredService<ITelemetryStore>());
        services.AddSingleton<ITelemetryReader>(provider => provider.GetRequiredService<ITelemetryStore>());
        services.AddSingleton<RedQueryService>();
        services.AddHostedService<StorageInitializer>();
        services.AddSingleton<IngestQueue>();
        services.AddSingleton<TelemetryIngestor>();
        services.AddHostedService<IngestWriter>();

        services.AddSingleton<OtlpApiKeyValidator>();
        services.AddSingleton<OtlpTraceService>();
        services.AddSingleton<OtlpMetricsService>();
        services.AddSingleton<OtlpLogsService>();
        services.AddSingleton<OtlpHttpReceiver>();
        services.AddSingleton<OtlpGrpcReceiver>();
        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = (int)Math.Min(collector.MaxRequestBytes, int.MaxValue);
            grpc.EnableDetailedErrors = false;
            grpc.CompressionProviders = [new LimitedGzipCompressionProvider(collector.MaxRequestBytes)];
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<OtlpGrpcReceiver>, OtlpGrpcMethodProvider>());

        builder.AddApiTokens();
        builder.AddRoadmapEngine();
        builder.AddAlerting();
        builder.AddCollectorJobs();
        return builder;
    }

    /// <summary>Maps OTLP/gRPC, OTLP/HTTP, /metrics, /healthz and /readyz.</summary>
    public static WebApplication MapCollector(this WebApplication app)
    {
        var registry = app.Services.GetRequiredService<CollectorRegistry>();
        DotNetStats.Register(registry);
        WarnWhenExposed(app);

        app.UseRouting();
        app.UseListenerSeparation();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<GrpcRefusalCounter>();
        app.UseHttpMetrics(options => options.SetMetricFactory(Metrics.WithCustomRegistry(registry)));

        app.MapGrpcService<OtlpGrpcReceiver>().WithMetadata(new ListenerMetadata(ListenerKind.OtlpGrpc));
        var otlpHttp = app.MapGroup("/v1").WithMetadata(new ListenerMetadata(ListenerKind.OtlpHttp));
        otlpHttp.MapPost("/traces", (HttpContext context, OtlpHttpReceiver receiver, OtlpTraceService service) => receiver.HandleAsync(context, service));
        otlpHttp.MapPost("/metrics", (HttpContext context, OtlpHttpReceiver receiver, OtlpMetricsService service) => receiver.HandleAsync(context, service));
        otlpHttp.MapPost("/logs", (HttpContext context, OtlpHttpReceiver receiver, OtlpLogsService service) => receiver.HandleAsync(context, service));

        app.MapMetrics("/metrics", registry);
        app.MapRedEndpoints();
        app.MapQueryApi();
        app.MapRoadmapApi();
        app.MapSlaApi();
        app.MapAlertingApi();
        app.MapHealthEndpoints();
        return app;
    }

    private static ITelemetryStore CreateStore(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var configuration = services.GetRequiredService<IConfiguration>();
        return options.Provider switch
        {
            StorageProvider.Postgres => new PostgresTelemetryStore(
                configuration.GetConnectionString("Postgres")!,
                services.GetRequiredService<ILogger<PostgresTelemetryStore>>()),
            _ => new SqliteTelemetryStore(options.Sqlite, services.GetRequiredService<ILogger<SqliteTelemetryStore>>()),
        };
    }

    private static void WarnWhenExposed(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<CollectorOptions>>().Value;
        foreach (var url in Listeners.ExposedWithoutAuthentication(options))
        {
            app.Logger.LogWarning(
                "OTLP endpoint {Url} is reachable beyond this machine without authentication: set Collector:Otlp:PrimaryApiKey", url);
        }
    }
}

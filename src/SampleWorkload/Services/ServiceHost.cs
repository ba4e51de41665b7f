using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Caching.Memory;
using Observability.SampleWorkload.Services.Auth;
using Observability.SampleWorkload.Services.Caching;
using Observability.SampleWorkload.Services.Data;
using Observability.SampleWorkload.Services.Faults;
using Observability.SampleWorkload.Services.Hosting;
using Observability.SampleWorkload.Services.Messaging;
using Observability.SampleWorkload.Services.Payment;
using Observability.SampleWorkload.Services.Reporting;
using Observability.SampleWorkload.Services.Sessions;
using Observability.SampleWorkload.Services.Storefront;
using Observability.SampleWorkload.Shared;

namespace Observability.SampleWorkload.Services;

/// <summary>
/// The service roles: storefront-api, auth-service, payment-service and reporting-service, each an ASP.NET Core
/// process configured by the <see cref="KnownSettings"/> keys (environment variables when the launcher starts them).
/// </summary>
internal static class ServiceHost
{
    public static async Task<int> RunAsync(string role, string[] args)
    {
        WebApplication app;
        try
        {
            app = await BuildAsync(role, args, CancellationToken.None);
        }
        catch (ServiceSettingsException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        await using (app)
        {
            await app.RunAsync();
        }
        return 0;
    }

    /// <summary>Builds the role's app and prepares its database; the caller starts it (tests host several in one process).</summary>
    public static async Task<WebApplication> BuildAsync(string role, string[] args, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(args);
        var settings = ServiceSettings.Read(role, builder.Configuration);
        // Per-request Information logs would be exported for every request under load; spans already record them.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.AddWorkloadTelemetry(role);

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddParentWatchdog();
        services.AddSingleton(_ => StoreDatabase.Create(settings));
        services.AddInstanceFaults();
        if (settings.Redis is not null)
        {
            services.AddRedis(settings.Redis, KnownRoles.ServiceName(role));
        }
        switch (role)
        {
            case KnownRoles.Storefront:
                AddStorefront(services, settings);
                break;
            case KnownRoles.Auth:
                AddSessionStore(services, settings);
                services.AddSingleton<IAuthenticator, LocalAuthenticator>();
                break;
            case KnownRoles.Reporting:
                services.AddHostedService<OrderEventConsumer>();
                break;
        }

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Observability.SampleWorkload.Services");
        // Only storefront-api owns the quick-win index; the other roles just make sure the schema exists.
        await StoreSchema.EnsureAsync(app.Services.GetRequiredService<StoreDatabase>().Primary,
            role == KnownRoles.Storefront ? settings.QuickWins : null, logger, cancellationToken);
        if (app.Services.GetService<ISessionStore>() is { } sessions)
        {
            SessionMetrics.Observe(sessions);
            app.Lifetime.ApplicationStopped.Register(() => SessionMetrics.Forget(sessions));
        }

        if (role == KnownRoles.Storefront && settings.QuickWins)
        {
            app.UseResponseCompression();
        }
        app.UseDependencyErrors();
        app.UseRegion(settings);
        app.UseInstanceFaults();
        app.MapWorkloadTelemetry();
        app.MapServiceHealth(settings);
        app.MapInstanceFaults(settings);
        switch (role)
        {
            case KnownRoles.Storefront:
                app.MapStorefront(settings);
                break;
            case KnownRoles.Auth:
                app.MapAuthService();
                break;
            case KnownRoles.Payment:
                app.MapPaymentService();
                break;
            case KnownRoles.Reporting:
                app.MapReportingService();
                break;
        }
        logger.LogInformation("{Service} phase {Phase}: replica {Replica}, redis {Redis}, quick wins {QuickWins}, auth {Auth}, payment {Payment}",
            KnownRoles.ServiceName(role), settings.Phase, settings.ReplicaDatabase is not null, settings.UsesRedis, settings.QuickWins,
            settings.AuthUrl?.ToString() ?? "in process", settings.PaymentUrl?.ToString() ?? "in process");
        return app;
    }

    private static void AddStorefront(IServiceCollection services, ServiceSettings settings)
    {
        services.AddMemoryCache();
        services.AddSingleton<CatalogCache>();
        services.AddSingleton<CatalogQueries>();
        services.AddSingleton<CartStore>();
        services.AddSingleton<OrderStore>();
        if (settings.AuthUrl is { } authUrl)
        {
            services.AddHttpClient<IAuthenticator, RemoteAuthenticator>(client => client.BaseAddress = authUrl).AddStandardResilienceHandler(Resilience);
        }
        else
        {
            AddSessionStore(services, settings);
            services.AddSingleton<IAuthenticator, LocalAuthenticator>();
        }
        if (settings.PaymentUrl is { } paymentUrl)
        {
            services.AddHttpClient<IPaymentGateway, RemotePaymentGateway>(client => client.BaseAddress = paymentUrl).AddStandardResilienceHandler(Resilience);
        }
        else
        {
            services.AddSingleton<IPaymentGateway, InProcessPaymentGateway>();
        }
        if (settings.PublishesOrderEvents)
        {
            services.AddSingleton<IOrderEventPublisher, RedisOrderEventPublisher>();
        }
        else
        {
            services.AddSingleton<IOrderEventPublisher, NoOrderEvents>();
        }
        if (settings.QuickWins)
        {
            services.AddResponseCompression(options =>
            {
                options.Providers.Add<BrotliCompressionProvider>();
                options.Providers.Add<GzipCompressionProvider>();
            });
        }
    }

    private static void AddSessionStore(IServiceCollection services, ServiceSettings settings)
    {
        if (settings.UsesRedis)
        {
            services.AddSingleton<RedisSessionStore>();
            services.AddSingleton<ISessionStore>(provider => provider.GetRequiredService<RedisSessionStore>());
            services.AddHostedService(provider => provider.GetRequiredService<RedisSessionStore>());
        }
        else
        {
            services.AddSingleton<ISessionStore, InProcessSessionStore>();
        }
    }

    // Calls between services are on loopback and quick: a short attempt timeout lets a retry reach a healthy
    // attempt well within the user's patience; the breaker opens when half the calls fail.
    private static void Resilience(Microsoft.Extensions.Http.Resilience.HttpStandardResilienceOptions options)
    {
        options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(2);
        options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(6);
        options.Retry.MaxRetryAttempts = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
    }
}

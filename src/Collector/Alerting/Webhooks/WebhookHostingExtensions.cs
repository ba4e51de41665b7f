using Microsoft.Extensions.Options;
using Observability.Core.Alerting.Notifications;

namespace Observability.Collector.Alerting.Webhooks;

/// <summary>Notifications: the receivers' settings, the dispatcher, and signed webhook delivery with retries.</summary>
public static class WebhookHostingExtensions
{
    /// <summary>Checks the webhook settings now, so a receiver without a secret or with a bad URL stops the process naming it.</summary>
    public static WebApplicationBuilder AddWebhookDelivery(this WebApplicationBuilder builder)
    {
        var options = WebhookConfiguration.Read(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(new NotificationDispatcher(options.ExternalUrl));
        services.AddSingleton<WebhookMetrics>();
        services.AddSingleton<WebhookRunLock>();
        services.AddSingleton<WebhookReceivers>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookTestNotification>();
        services.AddSingleton<AlertNotifier>();
        services.AddSingleton<WebhookDelivery>();
        services.AddSingleton<IAlertStateObserver, WebhookTrigger>();
        services.AddSingleton<WebhookDeliveryJob>();
        services.AddHostedService<WebhookJobRegistration>();
        services.AddHttpClient(WebhookDeliveryJob.HttpClientName, client =>
            {
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Observability-Webhook/1.0");
                // Each attempt has its receiver's own timeout.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            // A redirect is the receiver's configuration error, and following it would send the signed body elsewhere.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) });
        return builder;
    }

    /// <summary>
    /// Schedules the webhook tick every second while receivers are configured or stored, and removes it otherwise, so a
    /// Collector without receivers does not add a Hangfire job per second to a shared database.
    /// </summary>
    private sealed class WebhookJobRegistration(WebhookReceivers receivers) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => receivers.ScheduleAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

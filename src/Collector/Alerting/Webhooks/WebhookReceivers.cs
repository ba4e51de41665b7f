using Hangfire;
using Microsoft.Extensions.Options;
using Observability.Core.Alerting.Notifications;
using Observability.Core.Storage;

namespace Observability.Collector.Alerting.Webhooks;

/// <summary>
/// Every receiver notifications go to: the configured ones (Alerting:Webhooks:*) and the ones added from the dashboard,
/// stored in the database. A configured name wins over a stored one; the dashboard refuses to store a configured name.
/// </summary>
public sealed class WebhookReceivers(IOptions<WebhookOptions> options, ITelemetryStore store, IRecurringJobManager jobs)
{
    public IReadOnlyDictionary<string, WebhookReceiverOptions> Configured => options.Value.Webhooks;

    /// <summary>The configured receivers and the stored ones, read from the database now (other Collectors may have added some).</summary>
    public async Task<IReadOnlyDictionary<string, WebhookReceiverOptions>> GetAllAsync(CancellationToken cancellationToken)
    {
        var stored = await store.WebhookReceivers.GetAllAsync(cancellationToken);
        if (stored.Count == 0)
        {
            return options.Value.Webhooks;
        }
        var all = new Dictionary<string, WebhookReceiverOptions>(options.Value.Webhooks, StringComparer.Ordinal);
        foreach (var receiver in stored)
        {
            all.TryAdd(receiver.Name, receiver.ToOptions());
        }
        return all;
    }

    /// <summary>Schedules the webhook tick every second while any receiver exists, and removes it otherwise.</summary>
    public async Task ScheduleAsync(CancellationToken cancellationToken)
    {
        if ((await GetAllAsync(cancellationToken)).Count > 0)
        {
            jobs.AddOrUpdate<WebhookDeliveryJob>(WebhookDeliveryJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), WebhookDeliveryJob.EverySecond);
        }
        else
        {
            jobs.RemoveIfExists(WebhookDeliveryJob.RecurringJobId);
        }
    }
}

using Microsoft.Extensions.DependencyInjection;
using Observability.Collector.Alerting.Webhooks;
using Observability.Collector.Tests.Infrastructure;
using Observability.Core.Alerting;
using Observability.Tests.Shared;

namespace Observability.Collector.Tests.Alerting.Webhooks;

/// <summary>A real Collector with webhook receivers configured, the alerts it is given, and polling on its outbox.</summary>
internal sealed class WebhookTestBed : IAsyncDisposable
{
    public const string Secret = "whsec-integration-7f3a9c";

    private readonly TestStorage _storage;

    private WebhookTestBed(TestStorage storage, CollectorHost host)
    {
        _storage = storage;
        Host = host;
    }

    public CollectorHost Host { get; }

    public IAlertingStore Alerting => Host.Store.Alerting;

    /// <summary>
    /// A Collector on fresh SQLite storage sending to each receiver named; group wait 0 and group interval 1 s, and
    /// backoff from 200 ms up to 1 s, so retries happen within a test's seconds.
    /// </summary>
    public static async Task<WebhookTestBed> StartAsync(IReadOnlyDictionary<string, string> receiverUrls, IReadOnlyDictionary<string, string?>? extra = null, TestStorage? storage = null)
    {
        storage ??= TestStorage.Sqlite();
        var settings = new Dictionary<string, string?>
        {
            ["Alerting:ExternalUrl"] = "http://127.0.0.1:8081",
            ["Alerting:Delivery:InitialBackoff"] = "00:00:00.200",
            ["Alerting:Delivery:MaxBackoff"] = "00:00:01",
        };
        foreach (var (name, url) in receiverUrls)
        {
            settings[$"Alerting:Webhooks:{name}:Url"] = url;
            settings[$"Alerting:Webhooks:{name}:Secret"] = Secret;
            settings[$"Alerting:Webhooks:{name}:GroupWait"] = "00:00:00";
            settings[$"Alerting:Webhooks:{name}:GroupInterval"] = "00:00:01";
            settings[$"Alerting:Webhooks:{name}:TimeoutSeconds"] = "2";
        }
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        try
        {
            return new WebhookTestBed(storage, await CollectorHost.StartAsync(storage, settings));
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }

    public static AlertInstance Firing(string fingerprint, string instance, DateTimeOffset since) => new(
        fingerprint,
        "HighErrorRate",
        new Dictionary<string, string> { ["alertname"] = "HighErrorRate", ["instance"] = instance, ["service"] = "storefront", ["severity"] = "page" },
        new Dictionary<string, string> { ["summary"] = "Error rate above 1% on storefront", ["runbook_url"] = "https://runbooks.example.test/high-error-rate" },
        AlertState.Firing,
        since,
        since,
        null,
        0.042,
        since);

    public static AlertInstance Resolve(AlertInstance alert, DateTimeOffset at) =>
        alert with { State = AlertState.Resolved, ActiveSince = null, ResolvedAt = at, EvaluatedAt = at };

    /// <summary>Saves the alerts as the evaluator would and asks for a run now.</summary>
    public async Task RaiseAsync(params AlertInstance[] alerts)
    {
        await Alerting.SaveAlertsAsync(alerts, [], CancellationToken.None);
        Host.Services.GetRequiredService<WebhookDelivery>().NotifyEnqueued();
    }

    /// <summary>Polls the outbox until a notification of <paramref name="receiver"/> matches, or fails at the deadline.</summary>
    public async Task<Notification> WaitForNotificationAsync(string receiver, Func<Notification, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var found = (await Alerting.GetNotificationsAsync(receiver, 100, CancellationToken.None)).FirstOrDefault(condition);
            if (found is not null)
            {
                return found;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Outbox: {what} did not happen within {timeout.TotalSeconds} s.");
            }
            await Task.Delay(50);
        }
    }

    public async Task<IReadOnlyList<DeliveryAttempt>> AttemptsAsync(Notification notification) =>
        await Alerting.GetAttemptsAsync(notification.Id, CancellationToken.None);

    /// <summary>One locked delivery run, after any run in progress: how many attempts it made.</summary>
    public Task<int> DeliverDueAsync() => Host.Services.GetRequiredService<WebhookDeliveryJob>().DeliverDueAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _storage.Dispose();
    }
}

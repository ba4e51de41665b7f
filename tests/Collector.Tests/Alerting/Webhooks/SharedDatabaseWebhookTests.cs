using Microsoft.Extensions.DependencyInjection;
using Observability.Collector.Alerting.Webhooks;
using Observability.Collector.Tests.Infrastructure;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Notifications;
using Observability.Tests.Shared;

namespace Observability.Collector.Tests.Alerting.Webhooks;

/// <summary>Two Collectors on one PostgreSQL database send each notification once between them.</summary>
public sealed class SharedDatabaseWebhookTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task Two_collectors_on_one_database_never_send_a_notification_twice()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // A slow receiver keeps each run going long enough for the other Collector's runs to overlap it.
        receiver.Answer = _ => new WebhookAnswer(200, Delay: TimeSpan.FromMilliseconds(300));
        using var storage = await TestStorage.PostgresAsync(server);
        var urls = new Dictionary<string, string> { ["oncall"] = receiver.Url };
        var extra = new Dictionary<string, string?> { ["Alerting:Webhooks:oncall:GroupBy:0"] = "instance" };
        await using var first = await WebhookTestBed.StartAsync(urls, extra, storage);
        await using var second = await WebhookTestBed.StartAsync(urls, extra, storage);

        var since = DateTimeOffset.UtcNow.AddSeconds(-10);
        await first.Alerting.SaveAlertsAsync([.. Enumerable.Range(1, 5).Select(i => WebhookTestBed.Firing($"fp{i}", $"web-{i}", since))], [], CancellationToken.None);
        // Both dispatch and deliver at once, besides their recurring ticks.
        await Task.WhenAll(
            Task.Run(() => first.Host.Services.GetRequiredService<AlertNotifier>().DispatchAsync(CancellationToken.None)),
            Task.Run(() => second.Host.Services.GetRequiredService<AlertNotifier>().DispatchAsync(CancellationToken.None)));
        await Task.WhenAll(first.DeliverDueAsync(), second.DeliverDueAsync(), first.DeliverDueAsync(), second.DeliverDueAsync());
        await receiver.WaitForAsync(r => r.Count >= 5, TimeSpan.FromSeconds(30), "five webhooks");
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while ((await first.Alerting.GetNotificationsAsync("oncall", 100, CancellationToken.None)).Any(n => n.Delivery != NotificationStatus.Delivered))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "not all notifications were delivered within 30 s");
            await Task.Delay(50);
        }

        Assert.Equal(0, await first.DeliverDueAsync());
        Assert.Equal(0, await second.DeliverDueAsync());
        var received = receiver.Received;
        Assert.Equal(5, received.Count);
        Assert.Equal(5, received.Select(r => r.Header(WebhookSignature.IdempotencyKeyHeader)).Distinct().Count());
        Assert.Equal(5, (await first.Alerting.GetNotificationsAsync("oncall", 100, CancellationToken.None)).Count);
    }
}

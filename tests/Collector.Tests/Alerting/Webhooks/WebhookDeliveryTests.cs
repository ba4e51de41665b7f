using System.Net.Http.Headers;
using System.Text.Json;
using Xunit.Abstractions;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Notifications;
using Observability.Tests.Shared;

namespace Observability.Collector.Tests.Alerting.Webhooks;

/// <summary>Alerts in a real Collector become signed Alertmanager webhooks at a real HTTP receiver on loopback, with retries.</summary>
public sealed class WebhookDeliveryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static string Text(JsonElement element, string name) => element.GetProperty(name).GetString()!;

    private static Dictionary<string, string> Labels(JsonElement element, string name) =>
        element.GetProperty(name).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

    [Fact]
    public async Task A_firing_then_resolved_alert_arrives_signed_in_alertmanagers_shape()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var bed = await WebhookTestBed.StartAsync(new Dictionary<string, string> { ["oncall"] = receiver.Url });
        var since = new DateTimeOffset(DateTimeOffset.UtcNow.UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero).AddSeconds(-30);
        var alert = WebhookTestBed.Firing("6f1c2a9d0b7e4c31", "web-1", since);

        await bed.RaiseAsync(alert);
        var firing = (await receiver.WaitForAsync(r => r.Count >= 1, Deadline, "the firing webhook"))[0];

        Assert.Equal("/hook", firing.Path);
        Assert.Equal("application/json", firing.Header("Content-Type"));
        Assert.True(WebhookSignature.Verify(WebhookTestBed.Secret, firing.Header(WebhookSignature.HeaderName), firing.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1)),
            $"signature '{firing.Header(WebhookSignature.HeaderName)}' does not verify");
        Assert.False(WebhookSignature.Verify("another-secret", firing.Header(WebhookSignature.HeaderName), firing.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1)));
        var stored = await bed.WaitForNotificationAsync("oncall", n => n.Delivery == NotificationStatus.Delivered, Deadline, "delivered");
        Assert.Equal(stored.IdempotencyKey, firing.Header(WebhookSignature.IdempotencyKeyHeader));
        Assert.Equal(stored.Payload, firing.BodyText);

        var body = JsonDocument.Parse(firing.Body).RootElement;
        Assert.Equal(
            ["receiver", "status", "alerts", "groupLabels", "commonLabels", "commonAnnotations", "externalURL", "version", "groupKey", "truncatedAlerts"],
            body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("4", Text(body, "version"));
        Assert.Equal("{}:{alertname=\"HighErrorRate\"}", Text(body, "groupKey"));
        Assert.Equal(0, body.GetProperty("truncatedAlerts").GetInt32());
        Assert.Equal("firing", Text(body, "status"));
        Assert.Equal("oncall", Text(body, "receiver"));
        Assert.Equal(new Dictionary<string, string> { ["alertname"] = "HighErrorRate" }, Labels(body, "groupLabels"));
        Assert.Equal(alert.Labels, Labels(body, "commonLabels"));
        Assert.Equal(alert.Annotations, Labels(body, "commonAnnotations"));
        Assert.Equal("http://127.0.0.1:8081", Text(body, "externalURL"));
        var sent = Assert.Single(body.GetProperty("alerts").EnumerateArray());
        Assert.Equal(["status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"], sent.EnumerateObject().Select(p => p.Name));
        Assert.Equal("firing", Text(sent, "status"));
        Assert.Equal(alert.Labels, Labels(sent, "labels"));
        Assert.Equal(alert.Annotations, Labels(sent, "annotations"));
        Assert.Equal(since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), Text(sent, "startsAt"));
        Assert.Equal("0001-01-01T00:00:00Z", Text(sent, "endsAt"));
        Assert.Equal("http://127.0.0.1:8081/alerts/6f1c2a9d0b7e4c31", Text(sent, "generatorURL"));
        Assert.Equal("6f1c2a9d0b7e4c31", Text(sent, "fingerprint"));

        var attempt = Assert.Single(await bed.AttemptsAsync(stored));
        Assert.Equal(200, attempt.StatusCode);
        Assert.Null(attempt.Error);
        Assert.InRange(attempt.LatencyMs, 0.001, Deadline.TotalMilliseconds);

        var resolvedAt = since.AddSeconds(20);
        await bed.RaiseAsync(WebhookTestBed.Resolve(alert, resolvedAt));
        var resolved = (await receiver.WaitForAsync(r => r.Count >= 2, Deadline, "the resolved webhook"))[1];
        var resolvedBody = JsonDocument.Parse(resolved.Body).RootElement;
        Assert.Equal("resolved", Text(resolvedBody, "status"));
        var resolvedAlert = Assert.Single(resolvedBody.GetProperty("alerts").EnumerateArray());
        Assert.Equal("resolved", Text(resolvedAlert, "status"));
        Assert.Equal(resolvedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), Text(resolvedAlert, "endsAt"));
        Assert.NotEqual(firing.Header(WebhookSignature.IdempotencyKeyHeader), resolved.Header(WebhookSignature.IdempotencyKeyHeader));
        Assert.True(WebhookSignature.Verify(WebhookTestBed.Secret, resolved.Header(WebhookSignature.HeaderName), resolved.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1)));
        // Its group is gone once the resolution is sent, so nothing more follows.
        await bed.WaitForNotificationAsync("oncall", n => n.Status == "resolved" && n.Delivery == NotificationStatus.Delivered, Deadline, "resolved delivered");
        Assert.Empty(await bed.Alerting.GetGroupsAsync(CancellationToken.None));
        Assert.Equal(2, receiver.Received.Count);
    }

    [Fact]
    public async Task With_the_default_5_second_group_wait_a_new_alert_arrives_within_about_6_seconds()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var bed = await WebhookTestBed.StartAsync(
            new Dictionary<string, string> { ["oncall"] = receiver.Url },
            new Dictionary<string, string?> { ["Alerting:Webhooks:oncall:GroupWait"] = "00:00:05" });

        var firingSince = DateTimeOffset.UtcNow;
        await bed.RaiseAsync(WebhookTestBed.Firing("a1", "web-1", firingSince));
        var received = (await receiver.WaitForAsync(r => r.Count >= 1, Deadline, "the firing webhook"))[0];

        // Group wait, then at most one tick of the every-second job and the POST itself.
        var latency = received.At - firingSince;
        output.WriteLine($"firing to received: {latency.TotalMilliseconds:F0} ms");
        Assert.InRange(latency.TotalSeconds, 5.0, 7.0);
    }

    [Fact]
    public async Task A_receiver_down_for_a_while_gets_the_notification_once_it_is_back()
    {
        await using var receiver = await WebhookReceiver.StartAsync(listening: false);
        await using var bed = await WebhookTestBed.StartAsync(new Dictionary<string, string> { ["oncall"] = receiver.Url });

        await bed.RaiseAsync(WebhookTestBed.Firing("a1", "web-1", DateTimeOffset.UtcNow.AddSeconds(-10)));
        var refused = await bed.WaitForNotificationAsync("oncall", n => n.Attempts >= 3, Deadline, "three refused attempts");
        Assert.Equal(NotificationStatus.Pending, refused.Delivery);
        Assert.NotNull(refused.LastError);
        await receiver.ListenAsync();

        var delivered = await bed.WaitForNotificationAsync("oncall", n => n.Delivery == NotificationStatus.Delivered, Deadline, "delivered after the receiver came back");
        var attempts = await bed.AttemptsAsync(delivered);
        Assert.All(attempts.SkipLast(1), a => Assert.Null(a.StatusCode));
        Assert.All(attempts.SkipLast(1), a => Assert.False(string.IsNullOrEmpty(a.Error)));
        Assert.Equal(200, attempts[^1].StatusCode);
        Assert.Equal(Enumerable.Range(1, attempts.Count), attempts.Select(a => a.Attempt));
        // Retries spread out: backoff 200 ms doubling up to 1 s (±10%), so three refusals take at least about 0.5 s.
        Assert.True(attempts[2].At - attempts[0].At >= TimeSpan.FromMilliseconds(0.9 * 600), $"attempts at {string.Join(", ", attempts.Select(a => a.At.ToString("HH:mm:ss.fff")))}");
        Assert.Equal(0, await bed.DeliverDueAsync());
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task A_500_is_retried_until_the_receiver_answers_200()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = n => n <= 2 ? new WebhookAnswer(500, Body: "database unavailable") : WebhookAnswer.Ok;
        await using var bed = await WebhookTestBed.StartAsync(new Dictionary<string, string> { ["oncall"] = receiver.Url });

        await bed.RaiseAsync(WebhookTestBed.Firing("a1", "web-1", DateTimeOffset.UtcNow.AddSeconds(-10)));
        var delivered = await bed.WaitForNotificationAsync("oncall", n => n.Delivery == NotificationStatus.Delivered, Deadline, "delivered after two 500s");

        var attempts = await bed.AttemptsAsync(delivered);
        Assert.Equal([500, 500, 200], attempts.Select(a => a.StatusCode));
        Assert.Equal("HTTP 500: database unavailable", attempts[0].Error);
        var received = receiver.Received;
        Assert.Equal(3, received.Count);
        // Every attempt is the same notification: same key, same body, each freshly signed.
        Assert.Single(received.Select(r => r.Header(WebhookSignature.IdempotencyKeyHeader)).Distinct());
        Assert.Single(received.Select(r => r.BodyText).Distinct());
        Assert.All(received, r => Assert.True(WebhookSignature.Verify(WebhookTestBed.Secret, r.Header(WebhookSignature.HeaderName), r.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1))));
    }

    [Fact]
    public async Task A_429_is_retried_after_its_retry_after_not_the_backoff()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = n => n == 1 ? new WebhookAnswer(429, RetryAfter: "3") : WebhookAnswer.Ok;
        await using var bed = await WebhookTestBed.StartAsync(new Dictionary<string, string> { ["oncall"] = receiver.Url });

        await bed.RaiseAsync(WebhookTestBed.Firing("a1", "web-1", DateTimeOffset.UtcNow.AddSeconds(-10)));
        var received = await receiver.WaitForAsync(r => r.Count >= 2, Deadline, "the retry after 429");

        // The backoff would have retried after about 200 ms; Retry-After asked for 3 s (the tick is every second).
        var gap = received[1].At - received[0].At;
        Assert.InRange(gap.TotalSeconds, 2.95, 6.0);
        var delivered = await bed.WaitForNotificationAsync("oncall", n => n.Delivery == NotificationStatus.Delivered, Deadline, "delivered");
        Assert.Equal([429, 200], (await bed.AttemptsAsync(delivered)).Select(a => a.StatusCode));
    }

    [Fact]
    public async Task A_400_is_failed_at_once_and_not_retried()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = _ => new WebhookAnswer(400, Body: "unknown field 'alerts'");
        await using var bed = await WebhookTestBed.StartAsync(new Dictionary<string, string> { ["oncall"] = receiver.Url });

        await bed.RaiseAsync(WebhookTestBed.Firing("a1", "web-1", DateTimeOffset.UtcNow.AddSeconds(-10)));
        var failed = await bed.WaitForNotificationAsync("oncall", n => n.Delivery == NotificationStatus.Failed, Deadline, "marked failed");

        Assert.Equal(1, failed.Attempts);
        Assert.Null(failed.NextAttemptAt);
        Assert.Equal("HTTP 400: unknown field 'alerts'", failed.LastError);
        Assert.Empty(await bed.Alerting.GetDueAsync(DateTimeOffset.UtcNow.AddDays(2), 10, CancellationToken.None));
        Assert.Equal(0, await bed.DeliverDueAsync());
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task A_notification_still_undelivered_after_give_up_after_is_failed()
    {
        await using var receiver = await WebhookReceiver.StartAsync(listening: false);
        await using var bed = await WebhookTestBed.StartAsync(
            new Dictionary<string, string> { ["oncall"] = receiver.Url },
            new Dictionary<string, string?> { ["Alerting:Delivery:GiveUpAfter"] = "00:00:02" });

        await bed.RaiseAsync(WebhookTestBed.Firing("a1", "web-1", DateTimeOffset.UtcNow.AddSeconds(-10)));
        var failed = await bed.WaitForNotificationAsync("oncall", n => n.Delivery == NotificationStatus.Failed, Deadline, "given up");

        Assert.InRange(failed.Attempts, 2, 20);
        Assert.Contains("given up after", failed.LastError);
        Assert.Null(failed.NextAttemptAt);
        var attempts = await bed.AttemptsAsync(failed);
        Assert.All(attempts, a => Assert.Null(a.StatusCode));
        // The last attempt was due within the 2 s window (made up to a tick and a half later); the next would have been past it.
        Assert.True(attempts[^1].At - failed.CreatedAt <= TimeSpan.FromSeconds(3.5), $"last attempt {attempts[^1].At:HH:mm:ss.fff}, created {failed.CreatedAt:HH:mm:ss.fff}");
        await receiver.ListenAsync();
        Assert.Equal(0, await bed.DeliverDueAsync());
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_in_time_is_retried_and_does_not_hold_up_another()
    {
        await using var slow = await WebhookReceiver.StartAsync();
        slow.Answer = n => n == 1 ? new WebhookAnswer(200, Delay: TimeSpan.FromSeconds(20)) : WebhookAnswer.Ok;
        await using var fast = await WebhookReceiver.StartAsync();
        await using var bed = await WebhookTestBed.StartAsync(new Dictionary<string, string> { ["slow"] = slow.Url, ["fast"] = fast.Url });

        await bed.RaiseAsync(WebhookTestBed.Firing("a1", "web-1", DateTimeOffset.UtcNow.AddSeconds(-10)));
        var first = await slow.WaitForAsync(r => r.Count >= 1, Deadline, "the slow receiver's first request");
        var quick = await fast.WaitForAsync(r => r.Count >= 1, Deadline, "the fast receiver's request");

        // Sent side by side: the fast receiver did not wait for the slow one's 2 s timeout.
        Assert.True((quick[0].At - first[0].At).Duration() < TimeSpan.FromSeconds(1.5), $"slow at {first[0].At:HH:mm:ss.fff}, fast at {quick[0].At:HH:mm:ss.fff}");
        var delivered = await bed.WaitForNotificationAsync("slow", n => n.Delivery == NotificationStatus.Delivered, Deadline, "the slow receiver's retry delivered");
        var attempts = await bed.AttemptsAsync(delivered);
        Assert.Equal("no answer within 2 s", attempts[0].Error);
        Assert.Null(attempts[0].StatusCode);
        Assert.InRange(attempts[0].LatencyMs, 1_900, 10_000);
        Assert.Equal(200, attempts[^1].StatusCode);
    }

    [Fact]
    public async Task One_state_change_is_one_webhook_however_often_it_is_dispatched_or_enqueued()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var bed = await WebhookTestBed.StartAsync(new Dictionary<string, string> { ["oncall"] = receiver.Url });
        var notifier = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Collector.Alerting.Webhooks.AlertNotifier>(bed.Host.Services);

        await bed.RaiseAsync(WebhookTestBed.Firing("a1", "web-1", DateTimeOffset.UtcNow.AddSeconds(-10)));
        var delivered = await bed.WaitForNotificationAsync("oncall", n => n.Delivery == NotificationStatus.Delivered, Deadline, "delivered");
        Assert.Empty(await notifier.DispatchAsync(CancellationToken.None));
        Assert.Empty(await notifier.DispatchAsync(CancellationToken.None));
        // The same notification offered again (a second Collector computing the same flush) is not stored twice.
        Assert.Empty(await bed.Alerting.EnqueueAsync([delivered with { Id = "another-id", Delivery = NotificationStatus.Pending, Attempts = 0 }], CancellationToken.None));

        Assert.Equal(0, await bed.DeliverDueAsync());
        Assert.Single(receiver.Received);
        Assert.Single(await bed.Alerting.GetNotificationsAsync("oncall", 10, CancellationToken.None));
    }

    [Fact]
    public async Task A_silenced_alert_is_not_sent_until_its_silence_is_expired()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var bed = await WebhookTestBed.StartAsync(new Dictionary<string, string> { ["oncall"] = receiver.Url });
        var now = DateTimeOffset.UtcNow;
        await bed.Alerting.AddSilenceAsync(new Silence("maintenance", [new LabelMatcher("instance", "web-.*", IsRegex: true)],
            now.AddMinutes(-1), now.AddHours(1), "ana", "database maintenance", now), CancellationToken.None);

        await bed.RaiseAsync(WebhookTestBed.Firing("a1", "web-1", now.AddSeconds(-10)));
        // Wait for the group's first flush to have happened (its state says so), which sent nothing.
        var deadline = DateTimeOffset.UtcNow + Deadline;
        while (!(await bed.Alerting.GetGroupsAsync(CancellationToken.None)).Any(g => g.State.Contains("\"hasFlushed\":true", StringComparison.Ordinal)))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the group was not flushed within 30 s");
            await Task.Delay(50);
        }
        Assert.Empty(receiver.Received);
        Assert.Empty(await bed.Alerting.GetNotificationsAsync("oncall", 10, CancellationToken.None));

        Assert.True(await bed.Alerting.ExpireSilenceAsync("maintenance", DateTimeOffset.UtcNow, CancellationToken.None));
        var sent = (await receiver.WaitForAsync(r => r.Count >= 1, Deadline, "the webhook after the silence ended"))[0];

        Assert.Equal("firing", JsonDocument.Parse(sent.Body).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Delivery_attempts_are_counted_on_metrics()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = n => n == 1 ? new WebhookAnswer(503) : WebhookAnswer.Ok;
        await using var bed = await WebhookTestBed.StartAsync(new Dictionary<string, string> { ["oncall"] = receiver.Url });

        await bed.RaiseAsync(WebhookTestBed.Firing("a1", "web-1", DateTimeOffset.UtcNow.AddSeconds(-10)));
        await bed.WaitForNotificationAsync("oncall", n => n.Delivery == NotificationStatus.Delivered, Deadline, "delivered");

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(bed.Host.ApiUrl + "/metrics");
        Assert.Contains("webhook_delivery_attempts_total{receiver=\"oncall\",outcome=\"retry\"} 1", metrics);
        Assert.Contains("webhook_delivery_attempts_total{receiver=\"oncall\",outcome=\"delivered\"} 1", metrics);
        Assert.Contains("webhook_notifications_enqueued_total{receiver=\"oncall\"} 1", metrics);
        Assert.Contains("webhook_delivery_duration_seconds_count{receiver=\"oncall\"} 2", metrics);
    }
}

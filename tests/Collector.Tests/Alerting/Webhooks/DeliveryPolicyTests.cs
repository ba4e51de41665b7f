using System.Net.Http.Headers;
using Observability.Collector.Alerting.Webhooks;

namespace Observability.Collector.Tests.Alerting.Webhooks;

public sealed class DeliveryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private readonly DeliveryPolicy _policy = new(new WebhookDeliveryOptions());

    [Theory]
    [InlineData(200, DeliveryOutcome.Delivered)]
    [InlineData(204, DeliveryOutcome.Delivered)]
    [InlineData(500, DeliveryOutcome.Retry)]
    [InlineData(503, DeliveryOutcome.Retry)]
    [InlineData(408, DeliveryOutcome.Retry)]
    [InlineData(429, DeliveryOutcome.Retry)]
    [InlineData(null, DeliveryOutcome.Retry)]
    [InlineData(400, DeliveryOutcome.Failed)]
    [InlineData(401, DeliveryOutcome.Failed)]
    [InlineData(404, DeliveryOutcome.Failed)]
    [InlineData(301, DeliveryOutcome.Failed)]
    public void Answers_are_delivered_retried_or_failed(int? status, DeliveryOutcome expected)
    {
        Assert.Equal(expected, DeliveryPolicy.Classify(status));
    }

    [Fact]
    public void Backoff_doubles_from_1_second_up_to_5_minutes_without_jitter_at_the_middle()
    {
        double[] expected = [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300];

        Assert.Equal(expected, Enumerable.Range(1, expected.Length).Select(a => _policy.Backoff(a, random: 0.5).TotalSeconds));
        Assert.Equal(300, _policy.Backoff(1_000, 0.5).TotalSeconds);
    }

    [Fact]
    public void Jitter_stays_within_ten_percent()
    {
        Assert.Equal(3.6, _policy.Backoff(3, random: 0).TotalSeconds, 6);
        Assert.Equal(4.4, _policy.Backoff(3, random: 1).TotalSeconds, 6);
    }

    [Fact]
    public void Retry_after_takes_delta_seconds_or_an_http_date()
    {
        Assert.Equal(TimeSpan.FromSeconds(120), DeliveryPolicy.RetryAfter(RetryConditionHeaderValue.Parse("120"), Now));
        Assert.Equal(TimeSpan.FromSeconds(90), DeliveryPolicy.RetryAfter(RetryConditionHeaderValue.Parse("Thu, 26 Nov 2026 10:01:30 GMT"), Now));
        Assert.Equal(TimeSpan.Zero, DeliveryPolicy.RetryAfter(RetryConditionHeaderValue.Parse("Thu, 26 Nov 2026 09:00:00 GMT"), Now));
        Assert.Null(DeliveryPolicy.RetryAfter(null, Now));
    }

    [Fact]
    public void A_retry_past_give_up_after_is_no_retry()
    {
        var created = Now.AddHours(-23).AddMinutes(-58);

        Assert.Equal(Now.AddSeconds(60), _policy.NextAttempt(created, Now, 20, TimeSpan.FromSeconds(60), 0.5));
        Assert.Null(_policy.NextAttempt(created, Now, 20, null, 0.5));
    }
}

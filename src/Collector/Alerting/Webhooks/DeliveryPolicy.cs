using System.Net;
using System.Net.Http.Headers;

namespace Observability.Collector.Alerting.Webhooks;

/// <summary>What happens to a notification after one attempt.</summary>
public enum DeliveryOutcome
{
    Delivered,
    Retry,
    Failed,
}

/// <summary>
/// The retry policy: which answers are retried, and when. 2xx is delivered; 5xx, 408, timeouts and connection failures
/// are retried with exponential backoff; 429 after its Retry-After; any other answer is final.
/// </summary>
public sealed class DeliveryPolicy(WebhookDeliveryOptions options)
{
    /// <summary>The outcome of an answer with <paramref name="status"/>, or of no answer at all when it is null.</summary>
    public static DeliveryOutcome Classify(int? status) => status switch
    {
        null => DeliveryOutcome.Retry,
        >= 200 and < 300 => DeliveryOutcome.Delivered,
        (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500 => DeliveryOutcome.Retry,
        _ => DeliveryOutcome.Failed,
    };

    /// <summary>
    /// The wait after failed attempt number <paramref name="attempt"/> (1 for the first): InitialBackoff doubled per
    /// earlier failure, capped at MaxBackoff, then ±10% at random so receivers coming back are not hit all at once.
    /// </summary>
    public TimeSpan Backoff(int attempt, double random)
    {
        var doublings = Math.Min(attempt - 1, 40);
        var ticks = Math.Min(options.InitialBackoff.Ticks * Math.Pow(2, doublings), options.MaxBackoff.Ticks);
        var jitter = 1 + (random * 2 - 1) * 0.1;
        return TimeSpan.FromTicks((long)(ticks * jitter));
    }

    /// <summary>The wait a 429's Retry-After asks for (delta-seconds or an HTTP-date), or null when it has none usable.</summary>
    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now)
    {
        if (header?.Delta is { } delta && delta >= TimeSpan.Zero)
        {
            return delta;
        }
        if (header?.Date is { } date)
        {
            return date > now ? date - now : TimeSpan.Zero;
        }
        return null;
    }

    /// <summary>
    /// When to try again after a retryable failure, or null when that would be past GiveUpAfter (then the notification
    /// is marked failed).
    /// </summary>
    public DateTimeOffset? NextAttempt(DateTimeOffset createdAt, DateTimeOffset now, int attempt, TimeSpan? retryAfter, double random)
    {
        var next = now + (retryAfter ?? Backoff(attempt, random));
        return next > createdAt + options.GiveUpAfter ? null : next;
    }
}

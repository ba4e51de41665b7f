using System.Diagnostics;
using System.Text.Json;
using Observability.SampleWorkload.Services.Hosting;
using Observability.SampleWorkload.Shared;
using StackExchange.Redis;

namespace Observability.SampleWorkload.Services.Messaging;

/// <summary>A placed order, as published on the orders stream.</summary>
internal sealed record OrderEvent(long OrderId, string User, long TotalCents, DateTimeOffset CreatedAt, IReadOnlyList<OrderEventItem> Items);

/// <summary>One line of a placed order.</summary>
internal sealed record OrderEventItem(int ProductId, int CategoryId, int Quantity, long AmountCents);

/// <summary>The Redis stream of order events (phase 4's async message bus) and its consumer group.</summary>
internal static class OrderStream
{
    public const string Name = "orders";
    public const string ConsumerGroup = "reporting";
    public const string EventField = "event";

    /// <summary>W3C trace context of the publishing span, so the consumer's span joins the checkout's trace.</summary>
    public const string TraceParentField = "traceparent";

    public static KeyValuePair<string, object?>[] Attributes(string operation) =>
    [
        new("messaging.system", "redis"),
        new("messaging.destination.name", Name),
        new("messaging.operation.type", operation),
    ];
}

/// <summary>Where checkout reports a placed order.</summary>
internal interface IOrderEventPublisher
{
    Task PublishAsync(OrderEvent order, CancellationToken cancellationToken);
}

/// <summary>Before phase 4 nothing listens for orders.</summary>
internal sealed class NoOrderEvents : IOrderEventPublisher
{
    public Task PublishAsync(OrderEvent order, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Phase 4: XADD to the orders stream, inside a producer span whose context travels with the message.</summary>
internal sealed class RedisOrderEventPublisher(IConnectionMultiplexer redis, ILogger<RedisOrderEventPublisher> logger) : IOrderEventPublisher
{
    // Bounds the stream's memory; far more than reporting-service ever lags behind.
    private const int MaximumStreamLength = 100_000;

    public async Task PublishAsync(OrderEvent order, CancellationToken cancellationToken)
    {
        using var activity = WorkloadTelemetry.Source.StartActivity($"send {OrderStream.Name}", ActivityKind.Producer);
        foreach (var (key, value) in OrderStream.Attributes("send"))
        {
            activity?.SetTag(key, value);
        }
        var traceParent = activity?.Id ?? Activity.Current?.Id ?? "";
        try
        {
            var id = await redis.GetDatabase().StreamAddAsync(OrderStream.Name,
            [
                new NameValueEntry(OrderStream.EventField, JsonSerializer.Serialize(order, JsonSerializerOptions.Web)),
                new NameValueEntry(OrderStream.TraceParentField, traceParent),
            ], maxLength: MaximumStreamLength, useApproximateMaxLength: true);
            activity?.SetTag("messaging.message.id", id.ToString());
            ServiceMetrics.MessagesSent.Add(1, OrderStream.Attributes("send"));
        }
        catch (Exception e) when (RedisConnection.IsOutage(e))
        {
            // The order is placed and paid; only the report misses it. Recorded so the gap shows in telemetry.
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            logger.LogError("Order {OrderId} placed but its event was not published: {Error}", order.OrderId, e.Message);
        }
    }
}

using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Observability.SampleWorkload.Services.Data;
using Observability.SampleWorkload.Services.Hosting;
using Observability.SampleWorkload.Services.Messaging;
using Observability.SampleWorkload.Shared;
using StackExchange.Redis;

namespace Observability.SampleWorkload.Services.Reporting;

/// <summary>
/// reporting-service's consumer: reads the orders stream in the "reporting" consumer group (XREADGROUP), adds each order
/// to the sales-per-category table and acknowledges it (XACK). Processing is idempotent per order id, so a message
/// redelivered after a crash between commit and XACK is not counted twice.
/// </summary>
internal sealed class OrderEventConsumer(IConnectionMultiplexer redis, StoreDatabase database, ILogger<OrderEventConsumer> logger) : BackgroundService
{
    private const int BatchSize = 100;

    // How long to wait before asking again when the stream is empty: StackExchange.Redis has no blocking XREADGROUP.
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan OutageRetry = TimeSpan.FromSeconds(1);

    private readonly string _consumer = Environment.GetEnvironmentVariable("OTEL_SERVICE_INSTANCE_ID") is { Length: > 0 } instance
        ? instance
        : $"{Environment.MachineName}-{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // "0" first: messages this consumer read before a restart but never acknowledged; then ">" for new ones.
        var position = "0";
        var groupReady = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var stream = redis.GetDatabase();
                if (!groupReady)
                {
                    await CreateGroupAsync(stream);
                    groupReady = true;
                }
                var entries = await stream.StreamReadGroupAsync(OrderStream.Name, OrderStream.ConsumerGroup, _consumer, position, BatchSize);
                if (entries.Length == 0)
                {
                    if (position == "0")
                    {
                        position = ">";
                        continue;
                    }
                    await Task.Delay(IdlePoll, stoppingToken);
                    continue;
                }
                foreach (var entry in entries)
                {
                    await ProcessAsync(entry, stoppingToken);
                    await stream.StreamAcknowledgeAsync(OrderStream.Name, OrderStream.ConsumerGroup, entry.Id);
                    ServiceMetrics.MessagesConsumed.Add(1, OrderStream.Attributes("process"));
                }
            }
            catch (Exception e) when (RedisConnection.IsOutage(e) || e is NpgsqlException)
            {
                logger.LogWarning("Order stream consumer waiting for its servers: {Error}", e.Message);
                await Task.Delay(OutageRetry, stoppingToken);
            }
        }
    }

    private static async Task CreateGroupAsync(IDatabase stream)
    {
        try
        {
            await stream.StreamCreateConsumerGroupAsync(OrderStream.Name, OrderStream.ConsumerGroup, "0-0", createStream: true);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another instance, or an earlier run, created it.
        }
    }

    private async Task ProcessAsync(StreamEntry entry, CancellationToken cancellationToken)
    {
        ActivityContext.TryParse(entry[OrderStream.TraceParentField].ToString(), null, out var parent);
        using var activity = WorkloadTelemetry.Source.StartActivity($"process {OrderStream.Name}", ActivityKind.Consumer, parent);
        foreach (var (key, value) in OrderStream.Attributes("process"))
        {
            activity?.SetTag(key, value);
        }
        activity?.SetTag("messaging.message.id", entry.Id.ToString());
        activity?.SetTag("messaging.consumer.group.name", OrderStream.ConsumerGroup);

        var order = JsonSerializer.Deserialize<OrderEvent>(entry[OrderStream.EventField].ToString(), JsonSerializerOptions.Web);
        if (order is null)
        {
            logger.LogError("Skipping unreadable order event {MessageId}", entry.Id);
            return;
        }
        var perCategory = order.Items
            .GroupBy(item => item.CategoryId)
            .Select(group => (Category: group.Key, Items: (long)group.Sum(item => item.Quantity), Revenue: group.Sum(item => item.AmountCents)))
            .ToArray();
        await using var command = database.Primary.CreateCommand("""
            WITH fresh AS (
                INSERT INTO report_processed_orders (order_id) VALUES (@order) ON CONFLICT DO NOTHING RETURNING order_id)
            INSERT INTO report_sales_by_category AS s (category_id, orders, items, revenue_cents, updated_at)
            SELECT c, 1, i, r, now() FROM unnest(@categories, @items, @revenues) AS t (c, i, r)
            WHERE EXISTS (SELECT 1 FROM fresh)
            ON CONFLICT (category_id) DO UPDATE SET
                orders = s.orders + 1, items = s.items + excluded.items,
                revenue_cents = s.revenue_cents + excluded.revenue_cents, updated_at = excluded.updated_at
            """);
        command.Parameters.AddWithValue("order", order.OrderId);
        command.Parameters.AddWithValue("categories", NpgsqlDbType.Array | NpgsqlDbType.Integer, perCategory.Select(c => c.Category).ToArray());
        command.Parameters.AddWithValue("items", NpgsqlDbType.Array | NpgsqlDbType.Bigint, perCategory.Select(c => c.Items).ToArray());
        command.Parameters.AddWithValue("revenues", NpgsqlDbType.Array | NpgsqlDbType.Bigint, perCategory.Select(c => c.Revenue).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Observability.SampleWorkload.Services.Data;
using Observability.SampleWorkload.Services.Messaging;

namespace Observability.SampleWorkload.Services.Storefront;

/// <summary>A cart line with what checkout needs to price it and report it.</summary>
internal sealed record PricedLine(int ProductId, int CategoryId, int Quantity, int PriceCents);

/// <summary>Orders: placing one (primary, one transaction) and the history (replica).</summary>
internal sealed class OrderStore(StoreDatabase database)
{
    public const int HistoryLength = 20;

    public async Task<IReadOnlyList<PricedLine>> PricedCartAsync(int userId, CancellationToken cancellationToken)
    {
        await using var command = database.Primary.CreateCommand("""
            SELECT c.product_id, p.category_id, c.quantity, p.price_cents FROM cart_items c JOIN products p ON p.id = c.product_id
            WHERE c.user_id = @user ORDER BY c.product_id
            """);
        command.Parameters.AddWithValue("user", userId);
        var lines = new List<PricedLine>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new PricedLine(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3)));
        }
        return lines;
    }

    /// <summary>Writes the order and its lines, empties those lines from the cart and takes them from stock.</summary>
    public async Task<OrderEvent> PlaceAsync(int userId, string user, IReadOnlyList<PricedLine> lines, long totalCents, string paymentId, CancellationToken cancellationToken)
    {
        var products = lines.Select(line => line.ProductId).ToArray();
        var quantities = lines.Select(line => line.Quantity).ToArray();
        await using var connection = await database.Primary.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long orderId;
        DateTimeOffset createdAt;
        await using (var insert = new NpgsqlCommand("""
            WITH placed AS (
                INSERT INTO orders (user_id, created_at, total_cents, payment_id) VALUES (@user, now(), @total, @payment)
                RETURNING id, created_at),
            lines AS (
                INSERT INTO order_items (order_id, product_id, quantity, price_cents)
                SELECT placed.id, t.product, t.quantity, t.price FROM placed, unnest(@products, @quantities, @prices) AS t (product, quantity, price))
            SELECT id, created_at FROM placed
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("user", userId);
            insert.Parameters.AddWithValue("total", totalCents);
            insert.Parameters.AddWithValue("payment", paymentId);
            insert.Parameters.AddWithValue("products", NpgsqlDbType.Array | NpgsqlDbType.Integer, products);
            insert.Parameters.AddWithValue("quantities", NpgsqlDbType.Array | NpgsqlDbType.Integer, quantities);
            insert.Parameters.AddWithValue("prices", NpgsqlDbType.Array | NpgsqlDbType.Integer, lines.Select(line => line.PriceCents).ToArray());
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            orderId = reader.GetInt64(0);
            createdAt = reader.GetFieldValue<DateTimeOffset>(1);
        }
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            var clear = new NpgsqlBatchCommand("DELETE FROM cart_items WHERE user_id = $1 AND product_id = ANY($2)");
            clear.Parameters.Add(new NpgsqlParameter { Value = userId });
            clear.Parameters.Add(new NpgsqlParameter { Value = products });
            // Sold-out products are restocked at once: the sample store never runs dry under load.
            var stock = new NpgsqlBatchCommand("""
                UPDATE products SET stock = CASE WHEN stock >= t.quantity THEN stock - t.quantity ELSE 1000 END
                FROM unnest($1, $2) AS t (product, quantity) WHERE products.id = t.product
                """);
            stock.Parameters.Add(new NpgsqlParameter { Value = products });
            stock.Parameters.Add(new NpgsqlParameter { Value = quantities });
            batch.BatchCommands.Add(clear);
            batch.BatchCommands.Add(stock);
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        var items = lines.Select(line => new OrderEventItem(line.ProductId, line.CategoryId, line.Quantity, (long)line.Quantity * line.PriceCents)).ToArray();
        return new OrderEvent(orderId, user, totalCents, createdAt, items);
    }

    /// <summary>The user's last orders and how long the query took in the database round trip, for Server-Timing.</summary>
    public async Task<(OrderHistory History, double QueryMilliseconds)> HistoryAsync(int userId, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var command = database.Replica.CreateCommand(
            "SELECT id, created_at, total_cents FROM orders WHERE user_id = @user ORDER BY created_at DESC LIMIT @limit");
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("limit", HistoryLength);
        var orders = new List<OrderSummary>(HistoryLength);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                orders.Add(new OrderSummary(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt64(2)));
            }
        }
        return (new OrderHistory(orders), stopwatch.Elapsed.TotalMilliseconds);
    }
}

using Npgsql;
using Observability.SampleWorkload.Services.Data;

namespace Observability.SampleWorkload.Services.Storefront;

/// <summary>Carts live in the database, on the primary: a user must see their own change on the next request.</summary>
internal sealed class CartStore(StoreDatabase database)
{
    public const int MaximumQuantity = 100;

    public async Task<CartView> GetAsync(int userId, CancellationToken cancellationToken)
    {
        await using var command = database.Primary.CreateCommand("""
            SELECT c.product_id, p.name, c.quantity, p.price_cents FROM cart_items c JOIN products p ON p.id = c.product_id
            WHERE c.user_id = @user ORDER BY c.product_id
            """);
        command.Parameters.AddWithValue("user", userId);
        var lines = new List<CartLine>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new CartLine(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3)));
        }
        return new CartView(lines, lines.Sum(line => (long)line.Quantity * line.PriceCents));
    }

    /// <summary>Adds to the quantity already in the cart (capped); false when the product does not exist.</summary>
    public async Task<bool> AddAsync(int userId, int productId, int quantity, CancellationToken cancellationToken)
    {
        await using var command = database.Primary.CreateCommand("""
            INSERT INTO cart_items (user_id, product_id, quantity) SELECT @user, id, @quantity FROM products WHERE id = @product
            ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = LEAST(cart_items.quantity + excluded.quantity, @maximum)
            """);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("product", productId);
        command.Parameters.AddWithValue("quantity", quantity);
        command.Parameters.AddWithValue("maximum", MaximumQuantity);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>False when the product was not in the cart.</summary>
    public async Task<bool> RemoveAsync(int userId, int productId, CancellationToken cancellationToken)
    {
        await using var command = database.Primary.CreateCommand("DELETE FROM cart_items WHERE user_id = @user AND product_id = @product");
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("product", productId);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }
}

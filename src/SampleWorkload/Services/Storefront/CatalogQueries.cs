using System.Text.Json;
using Npgsql;
using Observability.SampleWorkload.Services.Caching;
using Observability.SampleWorkload.Services.Data;

namespace Observability.SampleWorkload.Services.Storefront;

/// <summary>Catalog reads, from the replica, through the catalog cache; answers are serialized JSON.</summary>
internal sealed class CatalogQueries(StoreDatabase database, CatalogCache cache)
{
    public const int PageSize = 20;
    public const int MaximumPage = 10_000;
    public const int MaximumQueryLength = 100;

    public static readonly TimeSpan CategoriesDuration = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan PageDuration = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan SearchDuration = TimeSpan.FromSeconds(30);

    // Short: the product page shows stock, which checkouts change (and invalidate).
    public static readonly TimeSpan ProductDuration = TimeSpan.FromSeconds(10);

    public static string ProductKey(int id) => $"catalog:product:{id}";

    public Task<byte[]> CategoriesAsync(CancellationToken cancellationToken) =>
        cache.GetOrLoadAsync("catalog:categories", CategoriesDuration, async token =>
        {
            await using var command = database.Replica.CreateCommand("""
                SELECT c.id, c.name, count(p.id)::int FROM categories c LEFT JOIN products p ON p.category_id = c.id
                GROUP BY c.id, c.name ORDER BY c.id
                """);
            var categories = new List<CategoryView>();
            await using var reader = await command.ExecuteReaderAsync(token);
            while (await reader.ReadAsync(token))
            {
                categories.Add(new CategoryView(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2)));
            }
            return Serialize(categories);
        }, cancellationToken);

    /// <summary>A page of products, or null when the category does not exist.</summary>
    public async Task<byte[]?> PageAsync(int? category, int page, CancellationToken cancellationToken)
    {
        try
        {
            return await cache.GetOrLoadAsync($"catalog:page:{category?.ToString() ?? "all"}:{page}", PageDuration, async token =>
            {
                await using var command = database.Replica.CreateCommand(category is null
                    ? "SELECT id, category_id, name, price_cents FROM products ORDER BY id LIMIT @limit OFFSET @offset"
                    : "SELECT id, category_id, name, price_cents FROM products WHERE category_id = @category ORDER BY id LIMIT @limit OFFSET @offset");
                if (category is { } categoryId)
                {
                    command.Parameters.AddWithValue("category", categoryId);
                }
                command.Parameters.AddWithValue("limit", PageSize);
                command.Parameters.AddWithValue("offset", (page - 1) * PageSize);
                var products = await ReadSummariesAsync(command, token);
                // Only an empty page can mean an unknown category; checked then, so full pages cost one query.
                if (products.Count == 0 && category is { } id && !await CategoryExistsAsync(id, token))
                {
                    throw new NotFoundException();
                }
                return Serialize(new ProductPage(category, page, PageSize, products));
            }, cancellationToken);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    /// <summary>One product, or null when there is no such product (a miss is not cached).</summary>
    public async Task<byte[]?> ProductAsync(int id, CancellationToken cancellationToken)
    {
        try
        {
            return await cache.GetOrLoadAsync(ProductKey(id), ProductDuration, async token =>
            {
                await using var command = database.Replica.CreateCommand(
                    "SELECT id, category_id, name, description, price_cents, stock FROM products WHERE id = @id");
                command.Parameters.AddWithValue("id", id);
                await using var reader = await command.ExecuteReaderAsync(token);
                if (!await reader.ReadAsync(token))
                {
                    throw new NotFoundException();
                }
                return Serialize(new ProductDetail(reader.GetInt32(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.GetInt32(5)));
            }, cancellationToken);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    public Task<byte[]> SearchAsync(string query, CancellationToken cancellationToken) =>
        cache.GetOrLoadAsync("catalog:search:" + query.ToLowerInvariant(), SearchDuration, async token =>
        {
            // ILIKE on 10,000 short rows is a scan of a few milliseconds; the cache absorbs repeats.
            await using var command = database.Replica.CreateCommand("""
                SELECT id, category_id, name, price_cents FROM products
                WHERE name ILIKE @pattern OR description ILIKE @pattern ORDER BY id LIMIT @limit
                """);
            command.Parameters.AddWithValue("pattern", "%" + EscapeLike(query) + "%");
            command.Parameters.AddWithValue("limit", PageSize);
            return Serialize(new SearchResult(query, await ReadSummariesAsync(command, token)));
        }, cancellationToken);

    private async Task<bool> CategoryExistsAsync(int id, CancellationToken cancellationToken)
    {
        await using var command = database.Replica.CreateCommand("SELECT EXISTS (SELECT 1 FROM categories WHERE id = @id)");
        command.Parameters.AddWithValue("id", id);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<List<ProductSummary>> ReadSummariesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var products = new List<ProductSummary>(PageSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            products.Add(new ProductSummary(reader.GetInt32(0), reader.GetInt32(1), reader.GetString(2), reader.GetInt32(3)));
        }
        return products;
    }

    private static string EscapeLike(string text) => text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");

    private static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web);

    // Thrown out of a cache loader so that a miss is answered 404 and never cached.
    private sealed class NotFoundException : Exception;
}

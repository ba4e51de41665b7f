using System.Net;
using Npgsql;
using Observability.SampleWorkload.Shared;
using static Observability.SampleWorkload.Tests.Services.StorefrontCalls;

namespace Observability.SampleWorkload.Tests.Services;

/// <summary>Phase 3's read-write splitting: catalog and history reads from the replica, carts and orders written to the primary.</summary>
[Collection(ServicesCollection.Name)]
public sealed class ReadReplicaTests(ServicesFixture servers)
{
    [Fact]
    public async Task Reads_go_to_the_replica_and_writes_to_the_primary()
    {
        // A seeded primary, then a copy of it standing in for the replica; a row changed only in the copy shows
        // which database answered. (Real streaming replication is the launcher's part and tested there.)
        await (await servers.StartAsync(KnownRoles.Storefront, servers.Settings(phase: 1, quickWins: true))).DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        var replica = await CopyDatabaseAsync(servers.Postgres.ConnectionString);
        await using (var copy = NpgsqlDataSource.Create(replica))
        {
            await using var mark = copy.CreateCommand("UPDATE products SET name = 'replica copy' WHERE id = 9");
            await mark.ExecuteNonQueryAsync();
        }

        var settings = servers.Settings(phase: 3, quickWins: true);
        settings[KnownSettings.ReplicaDatabase] = replica;
        await using var storefront = await servers.StartAsync(KnownRoles.Storefront, settings);
        using var client = storefront.Client(DecompressionMethods.All);

        Assert.Equal("replica copy", (await GetAsync(client, "/api/products/9")).Body.GetProperty("name").GetString());
        var token = await LoginAsync(client, "user-6006", servers.UserPassword);
        await SendAsync(client, Signed(HttpMethod.Post, "/api/cart/items", token, new { productId = 9, quantity = 1 }));
        var placed = await SendAsync(client, Signed(HttpMethod.Post, "/api/checkout", token));
        Assert.Equal(HttpStatusCode.Created, placed.Status);
        var orderId = placed.Body.GetProperty("orderId").GetInt64();

        // The order is on the primary only: the history, read from the (not replicating) copy, does not show it.
        await using var primary = NpgsqlDataSource.Create(servers.Postgres.ConnectionString);
        await using var onPrimary = primary.CreateCommand("SELECT count(*) FROM orders WHERE id = $1");
        onPrimary.Parameters.AddWithValue(orderId);
        Assert.Equal(1L, await onPrimary.ExecuteScalarAsync());
        var history = (await GetAsync(client, "/api/orders", token)).Body.GetProperty("orders").EnumerateArray();
        Assert.DoesNotContain(history, order => order.GetProperty("orderId").GetInt64() == orderId);
    }

    private static async Task<string> CopyDatabaseAsync(string connectionString)
    {
        var source = new NpgsqlConnectionStringBuilder(connectionString);
        var name = "replica_" + Guid.NewGuid().ToString("N")[..12];
        await using var admin = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        // CREATE DATABASE ... TEMPLATE fails while anything (an autovacuum worker, say) is connected to the source: retry.
        await EventuallyAsync(async () =>
        {
            try
            {
                await using var create = admin.CreateCommand($"CREATE DATABASE {name} TEMPLATE {source.Database}");
                await create.ExecuteNonQueryAsync();
                return true;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse)
            {
                return false;
            }
        }, created => created, TimeSpan.FromSeconds(30), "copying the database");
        return new NpgsqlConnectionStringBuilder(connectionString) { Database = name }.ConnectionString;
    }
}

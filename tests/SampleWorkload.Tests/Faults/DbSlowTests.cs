using System.Diagnostics;
using Npgsql;
using Observability.SampleWorkload.Faults;
using Observability.SampleWorkload.Infrastructure;
using Observability.SampleWorkload.Tests.Infrastructure;

namespace Observability.SampleWorkload.Tests.Faults;

/// <summary>db-slow makes the primary itself slow: the services' ordinary queries take longer, with no change on their side.</summary>
public sealed class DbSlowTests : IAsyncLifetime
{
    private readonly TempDataFolder _folder = new();
    private PostgresCluster? _cluster;

    public async Task InitializeAsync() =>
        _cluster = await PostgresCluster.StartAsync(new PostgresClusterOptions { Folder = Path.Combine(_folder.Path, "pg"), WithReplica = false }, CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAsync();
        }
        _folder.Dispose();
    }

    [Fact]
    public async Task Queries_of_the_services_role_wait_while_the_fault_is_on_and_not_after()
    {
        var endpoints = _cluster!.Endpoints;
        await using var store = NpgsqlDataSource.Create(endpoints.Primary);
        await using (var create = store.CreateCommand("CREATE TABLE products (id int PRIMARY KEY); INSERT INTO products SELECT generate_series(1, 1000)"))
        {
            await create.ExecuteNonQueryAsync();
        }
        var before = await SlowestQueryAsync(store, TimeSpan.FromSeconds(1));

        var fault = new DbSlowEffect(endpoints.PrimaryAdmin, holdSeconds: 0.5);
        await fault.StartAsync(CancellationToken.None);
        var during = await SlowestQueryAsync(store, TimeSpan.FromSeconds(2));
        await fault.EndAsync(CancellationToken.None);
        var after = await SlowestQueryAsync(store, TimeSpan.FromSeconds(1));

        Assert.True(during > TimeSpan.FromMilliseconds(250), $"slowest query during db-slow: {during.TotalMilliseconds:0} ms");
        Assert.True(before < during / 2, $"before {before.TotalMilliseconds:0} ms, during {during.TotalMilliseconds:0} ms");
        Assert.True(after < during / 2, $"after {after.TotalMilliseconds:0} ms, during {during.TotalMilliseconds:0} ms");
    }

    /// <summary>The longest of the queries run one after another for <paramref name="window"/>, as a service's requests would.</summary>
    private static async Task<TimeSpan> SlowestQueryAsync(NpgsqlDataSource store, TimeSpan window)
    {
        var slowest = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < window)
        {
            var query = Stopwatch.StartNew();
            await using var command = store.CreateCommand("SELECT count(*) FROM products");
            await command.ExecuteScalarAsync();
            slowest = query.Elapsed > slowest ? query.Elapsed : slowest;
            await Task.Delay(20);
        }
        return slowest;
    }
}

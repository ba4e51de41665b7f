using Xunit.Abstractions;
using System.Diagnostics;
using Npgsql;
using Observability.SampleWorkload.Faults;
using Observability.SampleWorkload.Infrastructure;
using Observability.SampleWorkload.Tests.Infrastructure;

namespace Observability.SampleWorkload.Tests.Faults;

/// <summary>db-slow makes the primary itself slow: the services' ordinary queries take longer, with no change on their side.</summary>
public sealed class DbSlowTests(ITestOutputHelper output) : IAsyncLifetime
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
        var before = await TypicalSlowQueryAsync(store, TimeSpan.FromSeconds(2));

        var fault = new DbSlowEffect(endpoints.PrimaryAdmin, holdSeconds: 0.5);
        await fault.StartAsync(CancellationToken.None);
        var during = await TypicalSlowQueryAsync(store, TimeSpan.FromSeconds(3));
        await fault.EndAsync(CancellationToken.None);
        var after = await TypicalSlowQueryAsync(store, TimeSpan.FromSeconds(2));

        output.WriteLine($"p75 query latency: before {before.TotalMilliseconds:0} ms, during db-slow {during.TotalMilliseconds:0} ms, after {after.TotalMilliseconds:0} ms");
        Assert.True(during >= TimeSpan.FromMilliseconds(100), $"p75 during db-slow: {during.TotalMilliseconds:0} ms");
        Assert.True(during > 3 * before, $"before {before.TotalMilliseconds:0} ms, during {during.TotalMilliseconds:0} ms");
        Assert.True(during > 3 * after, $"after {after.TotalMilliseconds:0} ms, during {during.TotalMilliseconds:0} ms");
    }

    /// <summary>
    /// The 75th percentile latency of queries started every 50 ms for <paramref name="window"/> whether or not the previous
    /// ones finished, as independent users' requests arrive; a machine busy with other work does not move it much.
    /// </summary>
    private static async Task<TimeSpan> TypicalSlowQueryAsync(NpgsqlDataSource store, TimeSpan window)
    {
        var queries = new List<Task<TimeSpan>>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < window)
        {
            queries.Add(TimeQueryAsync(store));
            await Task.Delay(50);
        }
        var latencies = (await Task.WhenAll(queries)).Order().ToList();
        return latencies[(int)(latencies.Count * 0.75)];
    }

    private static async Task<TimeSpan> TimeQueryAsync(NpgsqlDataSource store)
    {
        var query = Stopwatch.StartNew();
        await using var command = store.CreateCommand("SELECT count(*) FROM products");
        await command.ExecuteScalarAsync();
        return query.Elapsed;
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Observability.Core.Storage;
using Observability.Core.Storage.Postgres;
using Observability.Core.Telemetry;
using Observability.Tests.Shared;

namespace Observability.Core.Tests.Storage;

public sealed class PostgresTelemetryStoreTests(PostgresServer server) : TelemetryStoreContract, IClassFixture<PostgresServer>
{
    private static readonly long NanosPerDay = TimeSpan.FromDays(1).Ticks * 100;

    // xunit creates an instance per test, so a per-instance prefix keeps every test in databases of its own.
    private readonly string _databasePrefix = "t_" + Guid.NewGuid().ToString("N")[..16];
    private readonly Dictionary<string, string> _databases = [];

    protected override ITelemetryStore CreateStore(string name) =>
        new PostgresTelemetryStore(ConnectionStringFor(name), NullLogger<PostgresTelemetryStore>.Instance);

    [Fact]
    public async Task Spans_on_three_days_land_in_daily_partitions_that_retention_can_drop()
    {
        await using var store = await OpenAsync("partitions");
        var traceId = TelemetryBuilder.NewTraceId();
        var batch = new TelemetryBatch();
        batch.Spans.Add(TelemetryBuilder.Span(traceId, startOffsetNanos: -NanosPerDay));
        batch.Spans.Add(TelemetryBuilder.Span(traceId));
        batch.Spans.Add(TelemetryBuilder.Span(traceId, startOffsetNanos: 2 * NanosPerDay));

        await store.WriteAsync(batch, CancellationToken.None);

        Assert.Equal(["spans_20261119", "spans_20261120", "spans_20261122"], await PartitionsOfAsync("partitions", "spans"));
        await ExecuteAsync("partitions", "DROP TABLE spans_20261119;");
        Assert.Equal(2, (await store.GetTraceAsync(traceId, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Late_data_for_a_dropped_partition_recreates_it()
    {
        await using var store = await OpenAsync("late");
        var batch = new TelemetryBatch();
        batch.Spans.Add(TelemetryBuilder.Span());
        await store.WriteAsync(batch, CancellationToken.None);
        await ExecuteAsync("late", "DROP TABLE spans_20261120;");

        var late = new TelemetryBatch();
        late.Spans.Add(TelemetryBuilder.Span());
        await store.WriteAsync(late, CancellationToken.None);

        Assert.Equal(["spans_20261120"], await PartitionsOfAsync("late", "spans"));
        Assert.Equal(new TelemetryCounts(1, 0, 0), await store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_batch_the_server_rejects_leaves_nothing_behind_and_the_store_keeps_working()
    {
        await using var store = await OpenAsync("rejected");
        var rejected = new TelemetryBatch();
        rejected.Logs.Add(TelemetryBuilder.Log(offsetNanos: 1));
        rejected.Spans.Add(TelemetryBuilder.Span(resource: TelemetryBuilder.Resource("only-in-rejected")) with { Name = "nul\0in text" });

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.WriteAsync(rejected, CancellationToken.None));

        var accepted = new TelemetryBatch();
        accepted.Spans.Add(TelemetryBuilder.Span(resource: TelemetryBuilder.Resource("only-in-rejected")));
        await store.WriteAsync(accepted, CancellationToken.None);
        Assert.Equal(new TelemetryCounts(1, 0, 0), await store.CountAsync(CancellationToken.None));
        var stored = await store.GetTraceAsync(accepted.Spans[0].TraceId, CancellationToken.None);
        Assert.Equal("only-in-rejected", Assert.Single(stored).Resource.ServiceName);
    }

    [Fact]
    public async Task Processes_starting_and_writing_together_share_one_schema_and_partitions()
    {
        // Separate stores stand in for separate Collector processes: each has its own pool and its own caches.
        var stores = Enumerable.Range(0, 4).Select(_ => CreateStore("shared")).ToList();
        try
        {
            await Task.WhenAll(stores.Select(store => store.InitializeAsync(CancellationToken.None)));
            await Task.WhenAll(stores.Select(async (store, i) =>
            {
                var batch = new TelemetryBatch();
                for (var day = 0; day < 3; day++)
                {
                    batch.Spans.Add(TelemetryBuilder.Span(resource: TelemetryBuilder.Resource("shared"), startOffsetNanos: day * NanosPerDay + i));
                    batch.Logs.Add(TelemetryBuilder.Log(offsetNanos: day * NanosPerDay + i));
                }
                await store.WriteAsync(batch, CancellationToken.None);
            }));

            await stores[0].CheckReadyAsync(CancellationToken.None);
            Assert.Equal(new TelemetryCounts(12, 12, 0), await stores[0].CountAsync(CancellationToken.None));
            Assert.Equal(["spans_20261120", "spans_20261121", "spans_20261122"], await PartitionsOfAsync("shared", "spans"));
            Assert.Equal(["logs_20261120", "logs_20261121", "logs_20261122"], await PartitionsOfAsync("shared", "logs"));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Readiness_fails_until_the_schema_is_migrated()
    {
        await using var store = CreateStore("unmigrated");

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CheckReadyAsync(CancellationToken.None));
        await store.InitializeAsync(CancellationToken.None);
        await store.CheckReadyAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Readiness_fails_when_the_server_is_unreachable()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Port = 1, Timeout = 2 }.ConnectionString;
        await using var store = new PostgresTelemetryStore(unreachable, NullLogger<PostgresTelemetryStore>.Instance);

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.CheckReadyAsync(CancellationToken.None));
    }

    private async Task<ITelemetryStore> OpenAsync(string name)
    {
        var store = CreateStore(name);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    private string ConnectionStringFor(string name)
    {
        if (!_databases.TryGetValue(name, out var connectionString))
        {
            connectionString = server.CreateDatabase($"{_databasePrefix}_{name}");
            _databases[name] = connectionString;
        }
        return connectionString;
    }

    private async Task<List<string>> PartitionsOfAsync(string database, string table)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass ORDER BY c.relname;", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = table });
        var partitions = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            partitions.Add(reader.GetString(0));
        }
        return partitions;
    }

    private async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

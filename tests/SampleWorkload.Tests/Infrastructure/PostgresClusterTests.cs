using Xunit.Abstractions;
using System.Diagnostics;
using Npgsql;
using Observability.SampleWorkload.Faults;
using Observability.SampleWorkload.Infrastructure;

namespace Observability.SampleWorkload.Tests.Infrastructure;

/// <summary>The launcher's own primary and streaming replica, started from the local PostgreSQL binaries.</summary>
public sealed class PostgresClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly TempDataFolder _folder = new();
    private PostgresCluster? _cluster;

    private PostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() =>
        _cluster = await PostgresCluster.StartAsync(new PostgresClusterOptions { Folder = Path.Combine(_folder.Path, "pg"), WithReplica = true }, CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAsync();
        }
        _folder.Dispose();
    }

    [Fact]
    public async Task A_write_on_the_primary_becomes_readable_on_the_replica()
    {
        await using var primary = NpgsqlDataSource.Create(Cluster.Endpoints.Primary);
        await using var replica = NpgsqlDataSource.Create(Cluster.Endpoints.Replica!);
        await ExecuteAsync(primary, "CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)");
        await using (var insert = primary.CreateCommand("INSERT INTO notes VALUES (1, @body)"))
        {
            insert.Parameters.AddWithValue("body", "written on the primary");
            await insert.ExecuteNonQueryAsync();
        }

        var body = await PollAsync(async () =>
        {
            try
            {
                await using var select = replica.CreateCommand("SELECT body FROM notes WHERE id = 1");
                return await select.ExecuteScalarAsync() as string;
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                return null;
            }
        });

        Assert.Equal("written on the primary", body);
        // The replica is a hot standby: it serves reads and refuses writes.
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(replica, "INSERT INTO notes VALUES (2, 'x')"));
        Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, refused.SqlState);
    }

    [Fact]
    public async Task Replica_lag_fault_makes_replay_lag_grow_while_writes_continue_and_it_recovers_after()
    {
        await using var primary = NpgsqlDataSource.Create(Cluster.Endpoints.Primary);
        await using var replica = NpgsqlDataSource.Create(Cluster.Endpoints.Replica!);
        await ExecuteAsync(primary, "CREATE TABLE ticks (at timestamptz NOT NULL)");
        using var stopWriting = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            while (!stopWriting.IsCancellationRequested)
            {
                await ExecuteAsync(primary, "INSERT INTO ticks VALUES (now())");
                await Task.Delay(100);
            }
        });
        try
        {
            var normalLag = await PollValueAsync(async () => await LagSecondsAsync(replica) is { } lag && lag < 1 ? lag : (double?)null);

            var fault = new ReplicaLagEffect(Cluster.Endpoints.ReplicaAdmin!);
            await fault.StartAsync(CancellationToken.None);
            var laggingBehind = await PollValueAsync(async () => await LagSecondsAsync(replica) is { } lag && lag > 2 ? lag : (double?)null);
            await fault.EndAsync(CancellationToken.None);
            var recovered = await PollValueAsync(async () => await LagSecondsAsync(replica) is { } lag && lag < 1 ? lag : (double?)null);

            output.WriteLine($"replay lag: before {normalLag:0.000} s, paused {laggingBehind:0.000} s, after {recovered:0.000} s");
            Assert.True(normalLag < 1);
            Assert.True(laggingBehind > 2, $"lag while replay is paused: {laggingBehind:0.00} s");
            Assert.True(recovered < 1, $"lag after the fault: {recovered:0.00} s");
        }
        finally
        {
            await stopWriting.CancelAsync();
            await writer;
        }
    }

    [Fact]
    public async Task The_services_role_owns_the_store_database_but_is_no_superuser()
    {
        await using var primary = NpgsqlDataSource.Create(Cluster.Endpoints.Primary);
        await using var command = primary.CreateCommand("SELECT current_user, current_database(), (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();

        Assert.Equal(PostgresCluster.StoreDatabase, reader.GetString(0));
        Assert.Equal(PostgresCluster.StoreDatabase, reader.GetString(1));
        Assert.False(reader.GetBoolean(2));
    }

    /// <summary>How far the replica's data is behind: now() minus the commit time of the last transaction it replayed.</summary>
    private static async Task<double?> LagSecondsAsync(NpgsqlDataSource replica)
    {
        await using var command = replica.CreateCommand("SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8");
        return await command.ExecuteScalarAsync() is double seconds ? seconds : null;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> PollValueAsync<T>(Func<Task<T?>> probe)
        where T : struct =>
        (await PollAsync(async () => await probe() is { } value ? new Box<T>(value) : null)).Value;

    private sealed record Box<T>(T Value);

    private static async Task<T> PollAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (clock.Elapsed > Deadline)
            {
                throw new TimeoutException($"Not reached within {Deadline.TotalSeconds:0} s.");
            }
            await Task.Delay(100);
        }
    }
}

using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Npgsql;
using Observability.SampleWorkload.Launcher;
using Observability.SampleWorkload.Shared;
using StackExchange.Redis;

namespace Observability.SampleWorkload.Faults;

/// <summary>What a fault does when it starts and undoes when it ends.</summary>
internal interface IFaultEffect
{
    /// <summary>Turns the fault on; returns a line for the fault's detail.</summary>
    Task<string> StartAsync(CancellationToken cancellationToken);

    /// <summary>Turns it off again; called once, when the duration is over, on DELETE, or when the launcher stops.</summary>
    Task EndAsync(CancellationToken cancellationToken);
}

/// <summary>latency and errors: each target instance turns the fault on in its own request pipeline.</summary>
internal sealed class InstanceFaultEffect(string id, FaultRequest request, IReadOnlyList<ServiceInstance> targets, string controlToken, HttpClient http) : IFaultEffect
{
    public async Task<string> StartAsync(CancellationToken cancellationToken)
    {
        var body = new { id, kind = request.Kind, durationSeconds = request.DurationSeconds, magnitude = request.Magnitude };
        var reached = new List<string>();
        foreach (var instance in targets)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(instance.Url, KnownPaths.InstanceFaults)) { Content = JsonContent.Create(body) };
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", controlToken);
            using var response = await http.SendAsync(message, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException(
                    $"{instance.Id} answered {(int)response.StatusCode} to {KnownPaths.InstanceFaults}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
            reached.Add(instance.Id);
        }
        return $"on {string.Join(", ", reached)}";
    }

    public async Task EndAsync(CancellationToken cancellationToken)
    {
        foreach (var instance in targets)
        {
            using var message = new HttpRequestMessage(HttpMethod.Delete, new Uri(instance.Url, $"{KnownPaths.InstanceFaults}/{id}"));
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", controlToken);
            try
            {
                using var response = await http.SendAsync(message, cancellationToken);
            }
            catch (HttpRequestException)
            {
                // The instance is down or restarted: either way the fault is gone from it.
            }
        }
    }
}

/// <summary>
/// db-slow: the primary itself becomes slow, with no help from the services. Every pulse takes an ACCESS EXCLUSIVE
/// lock on all application tables and holds it, so every statement arriving meanwhile waits, as under lock
/// contention from a migration or a long batch job; the waits show as longer Npgsql spans.
/// </summary>
internal sealed class DbSlowEffect(string adminConnectionString, double holdSeconds) : IFaultEffect
{
    private static readonly TimeSpan Gap = TimeSpan.FromMilliseconds(500);
    private readonly CancellationTokenSource _stop = new();
    private Task? _pulses;

    public Task<string> StartAsync(CancellationToken cancellationToken)
    {
        _pulses = Task.Run(() => PulseAsync(_stop.Token), CancellationToken.None);
        return Task.FromResult($"tables locked {holdSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s of every {(holdSeconds + Gap.TotalSeconds).ToString("0.###", CultureInfo.InvariantCulture)} s");
    }

    public async Task EndAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_pulses is not null)
        {
            await _pulses;
        }
        _stop.Dispose();
    }

    private async Task PulseAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(adminConnectionString);
                await connection.OpenAsync(stop);
                while (!stop.IsCancellationRequested)
                {
                    await HoldLocksAsync(connection, stop);
                    await Task.Delay(Gap, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException) when (!stop.IsCancellationRequested)
            {
                // The lock timed out behind a long statement, or the server restarted; try again next pulse.
                await Task.Delay(Gap, CancellationToken.None);
            }
        }
    }

    private async Task HoldLocksAsync(NpgsqlConnection connection, CancellationToken stop)
    {
        await using var transaction = await connection.BeginTransactionAsync(stop);
        string? tables;
        await using (var list = new NpgsqlCommand(
            "SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
            connection, transaction))
        {
            tables = await list.ExecuteScalarAsync(stop) as string;
        }
        if (tables is null)
        {
            return;
        }
        // The table names come from the server's own format('%I'), quoted as identifiers; a lock statement takes no parameters.
        // lock_timeout keeps a pulse from queueing for long behind a slow statement (and everyone else behind the pulse).
        await using (var lockTables = new NpgsqlCommand($"SET LOCAL lock_timeout = '1s'; LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE", connection, transaction))
        {
            await lockTables.ExecuteNonQueryAsync(stop);
        }
        await using (var hold = new NpgsqlCommand("SELECT pg_sleep(@seconds)", connection, transaction))
        {
            hold.Parameters.AddWithValue("seconds", holdSeconds);
            await hold.ExecuteNonQueryAsync(stop);
        }
        await transaction.CommitAsync(stop);
    }
}

/// <summary>replica-lag: WAL replay pauses on the replica, so its data falls further behind the primary every second.</summary>
internal sealed class ReplicaLagEffect(string replicaAdminConnectionString) : IFaultEffect
{
    public async Task<string> StartAsync(CancellationToken cancellationToken)
    {
        await ExecuteAsync("SELECT pg_wal_replay_pause()", cancellationToken);
        return "WAL replay paused on the replica";
    }

    public Task EndAsync(CancellationToken cancellationToken) => ExecuteAsync("SELECT pg_wal_replay_resume()", cancellationToken);

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(replicaAdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>cache-down: Redis stops answering (SIGSTOP of our own server, CLIENT PAUSE of a given one), like a hung node.</summary>
internal sealed class CacheDownEffect(FaultContext context, int durationSeconds) : IFaultEffect
{
    public async Task<string> StartAsync(CancellationToken cancellationToken)
    {
        if (context.OwnRedis is { } own)
        {
            return own.Pause() ? $"redis-server {own.ProcessId} stopped (SIGSTOP)" : throw new InvalidOperationException("redis-server is not running");
        }
        await using var redis = await ConnectionMultiplexer.ConnectAsync(context.ExternalRedis!);
        // The pause ends on its own one second after the fault, should the launcher die before it can unpause.
        var milliseconds = (durationSeconds + 1) * 1000L;
        await redis.GetServers()[0].ExecuteAsync("CLIENT", "PAUSE", milliseconds, "ALL");
        return "CLIENT PAUSE ALL on the given Redis";
    }

    public async Task EndAsync(CancellationToken cancellationToken)
    {
        if (context.OwnRedis is { } own)
        {
            own.Resume();
            return;
        }
        await using var redis = await ConnectionMultiplexer.ConnectAsync(context.ExternalRedis!);
        await redis.GetServers()[0].ExecuteAsync("CLIENT", "UNPAUSE");
    }
}

/// <summary>instance-crash: one instance is killed (SIGKILL, no goodbye) and stays down until the fault ends.</summary>
internal sealed class InstanceCrashEffect(ServiceSupervisor supervisor, ServiceInstance victim) : IFaultEffect
{
    public Task<string> StartAsync(CancellationToken cancellationToken)
    {
        var pid = victim.ProcessId;
        return supervisor.Crash(victim) is null
            ? throw new InvalidOperationException($"{victim.Id} is not running")
            : Task.FromResult($"{victim.Id} (pid {pid}) killed with SIGKILL");
    }

    public Task EndAsync(CancellationToken cancellationToken) => supervisor.ReviveAsync(victim, cancellationToken);
}

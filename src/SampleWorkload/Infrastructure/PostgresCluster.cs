using System.Security.Cryptography;
using Npgsql;

namespace Observability.SampleWorkload.Infrastructure;

/// <summary>
/// The workload's own PostgreSQL: a primary and, when asked, a streaming-replication hot standby made with
/// pg_basebackup, each a fresh cluster under <see cref="PostgresClusterOptions.Folder"/> listening on a free
/// loopback port, with generated passwords. The services get the "store" role and database; the launcher keeps the
/// superuser for faults that act on the servers themselves.
/// </summary>
internal sealed class PostgresCluster
{
    /// <summary>Name of the application's database and of the role that owns it.</summary>
    public const string StoreDatabase = "store";

    public const string SuperUser = "postgres";
    private const int StartAttempts = 3;
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(2);

    private readonly PostgresClusterOptions _options;
    private readonly bool _asPostgresUser = UnixProcess.IsRoot;
    private readonly string _superUserPassword = GeneratePassword();
    private readonly string _storePassword = GeneratePassword();
    private bool _primaryRunning;
    private bool _replicaRunning;

    private PostgresCluster(PostgresClusterOptions options) => _options = options;

    public int PrimaryPort { get; private set; }

    /// <summary>The replica's port; null without a replica.</summary>
    public int? ReplicaPort { get; private set; }

    /// <summary>The endpoints for the services (role "store") and for the launcher (superuser).</summary>
    public DatabaseEndpoints Endpoints => new()
    {
        Primary = ConnectionString(PrimaryPort, StoreDatabase, _storePassword),
        Replica = ReplicaPort is { } replicaPort ? ConnectionString(replicaPort, StoreDatabase, _storePassword) : null,
        PrimaryAdmin = ConnectionString(PrimaryPort, SuperUser, _superUserPassword, StoreDatabase),
        ReplicaAdmin = ReplicaPort is { } port ? ConnectionString(port, SuperUser, _superUserPassword, StoreDatabase) : null,
    };

    public static string PrimaryFolder(string folder) => Path.Combine(folder, "primary");

    public static string ReplicaFolder(string folder) => Path.Combine(folder, "replica");

    /// <summary>Creates and starts the servers; on failure stops whatever it started before throwing.</summary>
    public static async Task<PostgresCluster> StartAsync(PostgresClusterOptions options, CancellationToken cancellationToken)
    {
        var cluster = new PostgresCluster(options);
        try
        {
            await cluster.StartPrimaryAsync(cancellationToken);
            if (options.WithReplica)
            {
                await cluster.StartReplicaAsync(cancellationToken);
            }
            return cluster;
        }
        catch
        {
            await cluster.StopAsync();
            throw;
        }
    }

    /// <summary>Stops the replica, then the primary (fast: open transactions are rolled back, nothing is lost).</summary>
    public async Task StopAsync()
    {
        if (_replicaRunning)
        {
            await StopServerAsync(ReplicaFolder(_options.Folder));
            _replicaRunning = false;
        }
        if (_primaryRunning)
        {
            await StopServerAsync(PrimaryFolder(_options.Folder));
            _primaryRunning = false;
        }
    }

    private async Task StartPrimaryAsync(CancellationToken cancellationToken)
    {
        var initdb = Path.Combine(_options.BinFolder, "initdb");
        if (!File.Exists(initdb))
        {
            throw new InvalidOperationException(
                $"PostgreSQL server binaries were not found: {initdb} does not exist. Install postgresql-15, or give --primary with a connection string to an existing server.");
        }
        if (Directory.Exists(_options.Folder))
        {
            Directory.Delete(_options.Folder, recursive: true);
        }
        Directory.CreateDirectory(_options.Folder);
        var passwordFile = Path.Combine(_options.Folder, "superuser-password");
        await File.WriteAllTextAsync(passwordFile, _superUserPassword, cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        if (_asPostgresUser)
        {
            await ToolRunner.RunAsync("chown", ["-R", $"{ToolRunner.PostgresSystemUser}:", _options.Folder], asPostgresUser: false, ToolTimeout, cancellationToken: cancellationToken);
        }

        var primary = PrimaryFolder(_options.Folder);
        // --no-sync: a fresh cluster per run, so there is nothing worth flushing before the server starts.
        await ToolRunner.RunAsync(initdb, [
            "--pgdata", primary, "--username", SuperUser, "--pwfile", passwordFile, "--auth", "scram-sha-256",
            "--encoding", "UTF8", "--locale", "C", "--no-sync"], _asPostgresUser, ToolTimeout, cancellationToken: cancellationToken);
        File.Delete(passwordFile);

        PrimaryPort = await StartServerAsync(primary, "primary.log", $"""

            # Written by the workload launcher.
            listen_addresses = '127.0.0.1'
            unix_socket_directories = ''
            wal_level = replica
            max_wal_senders = 10
            hot_standby = on
            max_connections = {_options.MaxConnections}
            """, cancellationToken);
        _primaryRunning = true;

        await using var admin = new NpgsqlConnection(ConnectionString(PrimaryPort, SuperUser, _superUserPassword, "postgres"));
        await admin.OpenAsync(cancellationToken);
        // DDL takes no parameters; the password is our own hex string, so it needs no escaping.
        await using (var createRole = new NpgsqlCommand($"CREATE ROLE {StoreDatabase} LOGIN PASSWORD '{_storePassword}'", admin))
        {
            await createRole.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var createDatabase = new NpgsqlCommand($"CREATE DATABASE {StoreDatabase} OWNER {StoreDatabase}", admin))
        {
            await createDatabase.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task StartReplicaAsync(CancellationToken cancellationToken)
    {
        var replica = ReplicaFolder(_options.Folder);
        // -R writes standby.signal and primary_conninfo; -X stream copies the WAL written meanwhile; -c fast does not
        // wait for the next scheduled checkpoint.
        await ToolRunner.RunAsync(Path.Combine(_options.BinFolder, "pg_basebackup"), [
            "--host", "127.0.0.1", "--port", PrimaryPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--username", SuperUser, "--pgdata", replica, "--write-recovery-conf", "--wal-method", "stream",
            "--checkpoint", "fast", "--no-sync", "--no-password"],
            _asPostgresUser, ToolTimeout, new Dictionary<string, string> { ["PGPASSWORD"] = _superUserPassword }, cancellationToken);
        ReplicaPort = await StartServerAsync(replica, "replica.log", """

            # Written by the workload launcher: the replica's own port overrides the primary's copied above.
            hot_standby = on
            """, cancellationToken);
        _replicaRunning = true;
    }

    private async Task<int> StartServerAsync(string dataFolder, string logName, string settings, CancellationToken cancellationToken)
    {
        var configuration = Path.Combine(dataFolder, "postgresql.conf");
        await File.AppendAllTextAsync(configuration, settings + Environment.NewLine, cancellationToken);
        // A port found free can be taken by another process before the server binds it; then try another.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            await File.AppendAllTextAsync(configuration, $"port = {port}{Environment.NewLine}", cancellationToken);
            try
            {
                await ToolRunner.RunAsync(Path.Combine(_options.BinFolder, "pg_ctl"), [
                    "start", "--pgdata", dataFolder, "--log", Path.Combine(_options.Folder, logName), "--wait", "--timeout", "60"],
                    _asPostgresUser, ToolTimeout, cancellationToken: cancellationToken);
                return port;
            }
            catch (InvalidOperationException) when (attempt < StartAttempts)
            {
            }
        }
    }

    private async Task StopServerAsync(string dataFolder)
    {
        try
        {
            await ToolRunner.RunAsync(Path.Combine(_options.BinFolder, "pg_ctl"), ["stop", "--pgdata", dataFolder, "--mode", "fast", "--wait", "--timeout", "30"],
                _asPostgresUser, ToolTimeout);
        }
        catch (InvalidOperationException)
        {
            // Fast shutdown timed out (e.g. a stuck client); immediate never waits for anyone.
            await ToolRunner.RunAsync(Path.Combine(_options.BinFolder, "pg_ctl"), ["stop", "--pgdata", dataFolder, "--mode", "immediate", "--wait"],
                _asPostgresUser, ToolTimeout);
        }
    }

    private static string ConnectionString(int port, string user, string password, string database = StoreDatabase) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Database = database,
            Username = user,
            Password = password,
        }.ConnectionString;

    private static string GeneratePassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}

/// <summary>Where and how the launcher's own PostgreSQL servers are created.</summary>
internal sealed record PostgresClusterOptions
{
    /// <summary>Folder holding both servers' data folders and logs; emptied on start.</summary>
    public required string Folder { get; init; }

    /// <summary>Also start a streaming-replication hot standby (phase 3 and later).</summary>
    public required bool WithReplica { get; init; }

    /// <summary>Folder of initdb, pg_ctl, pg_basebackup and postgres.</summary>
    public string BinFolder { get; init; } = Environment.GetEnvironmentVariable("OBS_PG_BIN") is { Length: > 0 } bin ? bin : "/usr/lib/postgresql/15/bin";

    /// <summary>Room for every service instance's connection pool.</summary>
    public int MaxConnections { get; init; } = 300;
}

/// <summary>Npgsql connection strings: the services' (role "store") and the launcher's own (superuser) for faults.</summary>
internal sealed record DatabaseEndpoints
{
    public required string Primary { get; init; }

    public required string? Replica { get; init; }

    /// <summary>A connection with the rights to lock tables on the primary (db-slow).</summary>
    public required string PrimaryAdmin { get; init; }

    /// <summary>A connection with the rights to pause WAL replay on the replica (replica-lag).</summary>
    public required string? ReplicaAdmin { get; init; }
}

using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Npgsql;
using Xunit;

namespace Observability.Tests.Shared;

/// <summary>
/// A throwaway PostgreSQL server: a fresh cluster in its own temp folder, listening on a free loopback port, stopped
/// and deleted on dispose. Use it as an xunit class or collection fixture, or start one with <see cref="StartAsync"/>.
/// Any process, such as a Collector under test, needs only <see cref="ConnectionString"/> to use it.
/// </summary>
public sealed partial class PostgresServer : IAsyncLifetime
{
    /// <summary>Names a folder holding initdb, pg_ctl and postgres, to use instead of <see cref="DefaultBinFolder"/>.</summary>
    public const string BinFolderVariable = "OBS_PG_BIN";
    public const string DefaultBinFolder = "/usr/lib/postgresql/15/bin";
    private const string SystemUser = "postgres";
    private const string SuperUser = "postgres";
    private const int StartAttempts = 3;
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(2);

    private readonly string _binFolder = Environment.GetEnvironmentVariable(BinFolderVariable) is { Length: > 0 } folder ? folder : DefaultBinFolder;
    private readonly bool _runAsSystemUser = IsRoot();
    private readonly string _password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
    private string _folder = "";
    private NpgsqlDataSource? _admin;
    private bool _running;

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>A connection string to the database "observability", created when the server starts.</summary>
    public string ConnectionString { get; private set; } = "";

    private string DataFolder => Path.Combine(_folder, "data");

    /// <summary>Starts a server outside xunit; dispose it to stop the server and delete its files.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var server = new PostgresServer();
        try
        {
            await server.InitializeAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async Task InitializeAsync()
    {
        var initdb = Path.Combine(_binFolder, "initdb");
        if (!File.Exists(initdb))
        {
            throw new InvalidOperationException(
                $"PostgreSQL server binaries were not found: {initdb} does not exist. Install the Debian package postgresql-15 " +
                $"(apt-get install -y postgresql-15), or set {BinFolderVariable} to the folder holding initdb, pg_ctl and postgres.");
        }

        _folder = Directory.CreateTempSubdirectory("obs-pg-").FullName;
        var passwordFile = Path.Combine(_folder, "password");
        await File.WriteAllTextAsync(passwordFile, _password);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        if (_runAsSystemUser)
        {
            // PostgreSQL refuses to run as root, so its files belong to the postgres system user.
            await RunAsync("chown", ["-R", $"{SystemUser}:", _folder], asSystemUser: false);
        }

        // --no-sync: the cluster is thrown away, so there is nothing to gain from flushing initdb's files.
        await RunAsync(initdb, [
            "--pgdata", DataFolder, "--username", SuperUser, "--pwfile", passwordFile, "--auth", "scram-sha-256",
            "--encoding", "UTF8", "--locale", "C", "--no-sync"], asSystemUser: _runAsSystemUser);
        File.Delete(passwordFile);
        AppDomain.CurrentDomain.ProcessExit += StopOnExit;

        // A port found free can be taken by another process before the server binds it; then try another.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            await File.AppendAllTextAsync(Path.Combine(DataFolder, "postgresql.conf"), $"""

                listen_addresses = '127.0.0.1'
                port = {Port}
                unix_socket_directories = '{_folder}'
                # Test runs start many Collectors against one server, each with its own pools (ingest, queries, Hangfire).
                max_connections = 500

                """);
            try
            {
                await RunAsync(Path.Combine(_binFolder, "pg_ctl"), [
                    "start", "--pgdata", DataFolder, "--log", LogFile, "--wait", "--timeout", "60"], asSystemUser: _runAsSystemUser);
                _running = true;
                break;
            }
            catch (InvalidOperationException) when (attempt < StartAttempts)
            {
            }
        }

        _admin = NpgsqlDataSource.Create(ConnectionStringFor("postgres"));
        ConnectionString = await CreateDatabaseAsync("observability");
    }

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    /// <param name="name">Lower-case letters, digits and underscores, at most 63 characters.</param>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var command = Admin.CreateCommand(CreateDatabaseSql(name));
        await command.ExecuteNonQueryAsync();
        return ConnectionStringFor(name);
    }

    /// <summary>
    /// <see cref="CreateDatabaseAsync"/> for callers that cannot await, such as a store factory; it blocks on
    /// network I/O only, never on a synchronization context.
    /// </summary>
    public string CreateDatabase(string name)
    {
        using var command = Admin.CreateCommand(CreateDatabaseSql(name));
        command.ExecuteNonQuery();
        return ConnectionStringFor(name);
    }

    public async Task DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= StopOnExit;
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }
        try
        {
            if (_running)
            {
                // Immediate: nothing in a throwaway cluster is worth a shutdown checkpoint.
                await RunAsync(Path.Combine(_binFolder, "pg_ctl"), ["stop", "--pgdata", DataFolder, "--mode", "immediate", "--wait"], asSystemUser: _runAsSystemUser);
                _running = false;
            }
        }
        finally
        {
            if (_folder.Length > 0 && Directory.Exists(_folder))
            {
                Directory.Delete(_folder, recursive: true);
            }
        }
    }

    private string LogFile => Path.Combine(_folder, "postgres.log");

    private NpgsqlDataSource Admin => _admin ?? throw new InvalidOperationException("The server is not started.");

    private string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Database = database,
        Username = SuperUser,
        Password = _password,
        IncludeErrorDetail = true,
    }.ConnectionString;

    private static string CreateDatabaseSql(string name)
    {
        // Identifiers cannot be parameters; the name is restricted to characters that need no quoting.
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a valid database name: use a-z, 0-9 and _, at most 63 characters, not starting with a digit.", nameof(name));
        }
        return $"CREATE DATABASE {name};";
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();

    private static bool IsRoot() =>
        Environment.UserName == "root" || (!OperatingSystem.IsWindows() && GetEffectiveUserId() == 0);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();

    private void StopOnExit(object? sender, EventArgs e)
    {
        // A backstop for a test run that ends without disposing its fixtures: never leave a server running.
        if (_running)
        {
            RunAsync(Path.Combine(_binFolder, "pg_ctl"), ["stop", "--pgdata", DataFolder, "--mode", "immediate", "--wait"], asSystemUser: _runAsSystemUser)
                .GetAwaiter().GetResult();
        }
    }

    private async Task RunAsync(string tool, IReadOnlyList<string> arguments, bool asSystemUser)
    {
        var start = new ProcessStartInfo
        {
            FileName = asSystemUser ? "runuser" : tool,
            // The postgres user may not be allowed into the current folder.
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asSystemUser)
        {
            foreach (var argument in new[] { "-u", SystemUser, "--", tool })
            {
                start.ArgumentList.Add(argument);
            }
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ToolTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(tool)} did not finish within {ToolTimeout.TotalSeconds:0} s.");
        }
        if (process.ExitCode != 0)
        {
            var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile) : "";
            throw new InvalidOperationException(
                $"{Path.GetFileName(tool)} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{await errors}\n{await output}\n{log}".TrimEnd());
        }
    }
}

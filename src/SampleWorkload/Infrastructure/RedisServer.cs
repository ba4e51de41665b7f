using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Observability.SampleWorkload.Infrastructure;

/// <summary>
/// The workload's own Redis: redis-server on a free loopback port with a generated password and no persistence
/// (sessions and cache are rebuilt each run), run as a child of the launcher with its pid in a file for the sweep.
/// </summary>
internal sealed class RedisServer
{
    public const string PidFileName = "redis.pid";
    private const int StartAttempts = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly string _folder;
    private Process? _process;

    private RedisServer(string folder, string password)
    {
        _folder = folder;
        Password = password;
    }

    public int Port { get; private set; }

    public string Password { get; }

    /// <summary>The server's process id, for pausing it (cache-down).</summary>
    public int ProcessId => _process?.Id ?? 0;

    /// <summary>A StackExchange.Redis configuration string for the services.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},password={Password},abortConnect=false";

    public static async Task<RedisServer> StartAsync(string folder, string executable = "redis-server", CancellationToken cancellationToken = default)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        Directory.CreateDirectory(folder);
        var server = new RedisServer(folder, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await server.StartProcessAsync(executable, cancellationToken);
                return server;
            }
            catch (InvalidOperationException) when (attempt < StartAttempts)
            {
                // Most likely the free port was taken before redis-server bound it; try another.
            }
        }
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open but nothing is answered, like a hung cache node.</summary>
    public bool Pause() => UnixProcess.Signal(ProcessId, UnixProcess.SigStop);

    /// <summary>Lets a paused server run again (SIGCONT).</summary>
    public bool Resume() => UnixProcess.Signal(ProcessId, UnixProcess.SigCont);

    /// <summary>Answers true when the server accepts the password and replies to PING within <paramref name="timeout"/>.</summary>
    public Task<bool> PingAsync(TimeSpan timeout) => PingAsync(Port, Password, timeout);

    public static async Task<bool> PingAsync(int port, string password, TimeSpan timeout)
    {
        try
        {
            var reply = await SendAsync(port, password, "PING", timeout);
            return reply.Contains("+PONG", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }
        Resume();
        try
        {
            await SendAsync(Port, Password, "SHUTDOWN NOSAVE", StopTimeout);
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException)
        {
            // The server closes the connection as it shuts down, or is gone already; the wait below decides.
        }
        using var deadline = new CancellationTokenSource(StopTimeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _process = null;
    }

    private async Task StartProcessAsync(string executable, CancellationToken cancellationToken)
    {
        Port = FreePort.Next();
        // The password goes in a file only we can read rather than on the command line, where ps shows it.
        var configuration = Path.Combine(_folder, "redis.conf");
        await File.WriteAllTextAsync(configuration, $"""
            bind 127.0.0.1
            port {Port}
            protected-mode yes
            requirepass {Password}
            save ""
            appendonly no
            daemonize no
            dir {_folder}
            pidfile {Path.Combine(_folder, PidFileName)}
            logfile {Path.Combine(_folder, "redis.log")}
            """, cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(configuration, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // Its own pipes, drained and dropped (it logs to its file): inheriting the launcher's would keep the launcher's
        // output open after the launcher is gone.
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            WorkingDirectory = _folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(configuration);
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                var log = Path.Combine(_folder, "redis.log");
                var reason = File.Exists(log) ? File.ReadLines(log).LastOrDefault() : null;
                _process.Dispose();
                _process = null;
                throw new InvalidOperationException($"redis-server exited on start: {reason}");
            }
            if (await PingAsync(TimeSpan.FromSeconds(1)))
            {
                return;
            }
            await Task.Delay(50, cancellationToken);
        }
        _process.Kill();
        throw new InvalidOperationException($"redis-server did not answer on port {Port} within {StartTimeout.TotalSeconds:0} s.");
    }

    /// <summary>Authenticates and sends one inline command; returns what the server answered.</summary>
    private static async Task<string> SendAsync(int port, string password, string command, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, deadline.Token);
        var stream = client.GetStream();
        // AUTH's argument is our own hex password, so the inline protocol needs no quoting.
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"AUTH {password}\r\n{command}\r\n"), deadline.Token);
        var buffer = new byte[256];
        var reply = new StringBuilder();
        while (reply.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length < 2)
        {
            var read = await stream.ReadAsync(buffer, deadline.Token);
            if (read == 0)
            {
                break;
            }
            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        return reply.ToString();
    }
}

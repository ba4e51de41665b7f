using System.Diagnostics;
using System.Security.Cryptography;
using StackExchange.Redis;
using Xunit;

namespace Observability.Tests.Shared;

/// <summary>
/// A throwaway redis-server on a free loopback port with a generated password, no persistence, killed on dispose.
/// <see cref="Pause"/> and <see cref="Resume"/> stop and continue the process (SIGSTOP/SIGCONT), as a cache-down drill does.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private const string Binary = "/usr/bin/redis-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly string _password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
    private Process? _process;

    public int Port { get; private set; }

    /// <summary>StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},password={_password}";

    public async Task InitializeAsync()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} was not found: install the Debian package redis-server.");
        }
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            var start = new ProcessStartInfo(Binary)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // The configuration on stdin ("-"), so the password never shows in the process list.
            start.ArgumentList.Add("-");
            _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server.");
            await _process.StandardInput.WriteAsync($"""
                bind 127.0.0.1
                port {Port}
                requirepass {_password}
                save ""
                appendonly no
                daemonize no
                """);
            _process.StandardInput.Close();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            if (await WaitForPingAsync())
            {
                return;
            }
            Kill();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"redis-server did not answer on port {Port} within {StartTimeout.TotalSeconds} s.");
            }
        }
    }

    public void Pause() => Signal("STOP");

    public void Resume() => Signal("CONT");

    public Task DisposeAsync()
    {
        Kill();
        return Task.CompletedTask;
    }

    private async Task<bool> WaitForPingAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline && _process is { HasExited: false })
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",connectTimeout=500");
                await connection.GetDatabase().PingAsync();
                return true;
            }
            catch (RedisConnectionException)
            {
                await Task.Delay(50);
            }
        }
        return false;
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process!.Id.ToString()]);
        kill.WaitForExit();
    }

    private void Kill()
    {
        if (_process is { HasExited: false })
        {
            Signal("CONT");
            _process.Kill();
            _process.WaitForExit();
        }
        _process?.Dispose();
        _process = null;
    }
}

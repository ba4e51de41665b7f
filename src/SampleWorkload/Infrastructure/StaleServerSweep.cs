using System.Diagnostics;
using System.Globalization;

namespace Observability.SampleWorkload.Infrastructure;

/// <summary>
/// Stops whatever a previous launcher that was killed (SIGKILL, a crash) left running in the same data folder:
/// PostgreSQL servers (postmaster.pid), redis-server (its pid file) and service processes (the launcher's own list),
/// each only after checking that the pid still belongs to that program, since pids are reused.
/// </summary>
internal static class StaleServerSweep
{
    /// <summary>The launcher's list of the processes it started: one "pid command-line-marker" per line.</summary>
    public const string ChildrenFileName = "children.pids";

    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Returns one line per process it stopped, for the console.</summary>
    public static async Task<IReadOnlyList<string>> SweepAsync(string dataFolder, string postgresFolder, string redisFolder)
    {
        var stopped = new List<string>();
        var childrenFile = Path.Combine(dataFolder, ChildrenFileName);
        if (File.Exists(childrenFile))
        {
            foreach (var line in await File.ReadAllLinesAsync(childrenFile))
            {
                var parts = line.Split(' ', 2);
                if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid)
                    && UnixProcess.CommandLine(pid).Contains(parts[1], StringComparison.Ordinal)
                    && await KillAsync(pid))
                {
                    stopped.Add($"service process {pid} ({parts[1]})");
                }
            }
            File.Delete(childrenFile);
        }
        foreach (var server in new[] { PostgresCluster.ReplicaFolder(postgresFolder), PostgresCluster.PrimaryFolder(postgresFolder) })
        {
            if (ReadPid(Path.Combine(server, "postmaster.pid")) is { } pid
                && UnixProcess.CommandLine(pid).Contains(server, StringComparison.Ordinal)
                && await KillAsync(pid, firstSignal: 3 /* SIGQUIT: PostgreSQL's immediate shutdown */))
            {
                stopped.Add($"PostgreSQL {pid} ({server})");
            }
        }
        if (ReadPid(Path.Combine(redisFolder, RedisServer.PidFileName)) is { } redisPid
            && UnixProcess.CommandLine(redisPid).StartsWith("redis-server", StringComparison.Ordinal))
        {
            // A server left paused by a cache-down fault must run again to act on the signal.
            UnixProcess.Signal(redisPid, UnixProcess.SigCont);
            if (await KillAsync(redisPid))
            {
                stopped.Add($"redis-server {redisPid}");
            }
        }
        return stopped;
    }

    private static int? ReadPid(string file)
    {
        try
        {
            return File.Exists(file) && int.TryParse(File.ReadLines(file).FirstOrDefault(), CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task<bool> KillAsync(int pid, int firstSignal = UnixProcess.SigTerm)
    {
        if (!UnixProcess.Signal(pid, firstSignal))
        {
            return false;
        }
        var clock = Stopwatch.StartNew();
        while (UnixProcess.IsAlive(pid))
        {
            if (clock.Elapsed > ExitTimeout)
            {
                UnixProcess.Signal(pid, UnixProcess.SigKill);
                clock.Restart();
            }
            await Task.Delay(50);
        }
        return true;
    }
}

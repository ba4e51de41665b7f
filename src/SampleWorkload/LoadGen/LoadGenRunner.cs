using System.Diagnostics;
using Observability.SampleWorkload.LoadGen.Http;
using Observability.SampleWorkload.LoadGen.Measurement;
using Observability.SampleWorkload.LoadGen.Options;
using Observability.SampleWorkload.LoadGen.Telemetry;
using Observability.SampleWorkload.LoadGen.Users;

namespace Observability.SampleWorkload.LoadGen;

/// <summary>What a whole run came to.</summary>
internal sealed record LoadRunSummary(TimeSpan Elapsed, int PeakUsers, LoadSnapshot Total);

/// <summary>
/// Holds the number of virtual users on the ramp: a control loop ten times a second starts users (each an async
/// loop) or stops the newest ones, and prints the progress line every --progress-interval.
/// </summary>
internal sealed class LoadGenRunner(LoadGenOptions options, TextWriter output, TextWriter errors)
{
    private static readonly TimeSpan s_controlPeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>How long stopped users get to finish before the summary is printed without them.</summary>
    private static readonly TimeSpan s_stopGrace = TimeSpan.FromSeconds(5);

    private int _activeUsers;
    private int _targetUsers;
    private int _signInRefusedReported;

    public LoadStatistics Statistics { get; } = new();

    /// <summary>Users in a session right now, thinking or waiting for an answer.</summary>
    public int ActiveUsers => Volatile.Read(ref _activeUsers);

    /// <summary>Users the ramp asks for right now.</summary>
    public int TargetUsers => Volatile.Read(ref _targetUsers);

    public async Task<LoadRunSummary> RunAsync(CancellationToken stop)
    {
        using var metrics = new LoadGenMetrics(() => ActiveUsers);
        using var client = new StorefrontClient(new StorefrontRoutes(options.Target), options.MaxConnections, options.RequestTimeout, Statistics, metrics);
        var settings = new VirtualUserSettings
        {
            Client = client,
            MeanThinkTime = options.ThinkTime,
            Regions = options.Regions,
            Seed = options.Seed,
            UserCount = options.UserCount,
            UserPassword = options.UserPassword,
            SignInRefused = ReportSignInRefusedOnce,
        };

        // A stack: user i sits at position i, so a stopped user's index (and account) is the next one reused.
        var running = new List<RunningUser>();
        var stopping = new List<Task>();
        var peakUsers = 0;
        var started = Stopwatch.GetTimestamp();
        var lastProgress = Statistics.Snapshot(started);
        using var timer = new PeriodicTimer(s_controlPeriod);
        try
        {
            do
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                if (options.Duration is { } duration && elapsed >= duration)
                {
                    break;
                }
                var target = options.Users.UsersAt(elapsed);
                Volatile.Write(ref _targetUsers, target);
                while (running.Count < target)
                {
                    var user = new VirtualUser(running.Count, settings);
                    var userStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    running.Add(new RunningUser(userStop, user.RunAsync(userStop.Token)));
                }
                while (running.Count > target)
                {
                    var newest = running[^1];
                    running.RemoveAt(running.Count - 1);
                    newest.Stop.Cancel();
                    stopping.Add(newest.Task);
                }
                stopping.RemoveAll(task => task.IsCompleted);
                Volatile.Write(ref _activeUsers, running.Count);
                peakUsers = Math.Max(peakUsers, running.Count);

                var now = Stopwatch.GetTimestamp();
                if (Stopwatch.GetElapsedTime(lastProgress.Timestamp, now) >= options.ProgressInterval)
                {
                    var snapshot = Statistics.Snapshot(now);
                    output.WriteLine(ProgressLine.Format(running.Count, target, snapshot.Since(lastProgress), Stopwatch.GetElapsedTime(lastProgress.Timestamp, now)));
                    lastProgress = snapshot;
                }
            }
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Ctrl+C or SIGTERM: stop the users and summarise, below.
        }

        foreach (var user in running)
        {
            user.Stop.Cancel();
            stopping.Add(user.Task);
        }
        await Task.WhenAny(Task.WhenAll(stopping), Task.Delay(s_stopGrace, CancellationToken.None)).ConfigureAwait(false);
        foreach (var user in running)
        {
            user.Stop.Dispose();
        }
        Volatile.Write(ref _activeUsers, 0);

        var total = Statistics.Snapshot(Stopwatch.GetTimestamp());
        var summary = new LoadRunSummary(Stopwatch.GetElapsedTime(started), peakUsers, total.Since(LoadSnapshot.Empty(started)));
        output.WriteLine(ProgressLine.FormatSummary(summary.Elapsed, summary.PeakUsers, summary.Total));
        return summary;
    }

    private void ReportSignInRefusedOnce(string message)
    {
        if (Interlocked.Exchange(ref _signInRefusedReported, 1) == 0)
        {
            errors.WriteLine(message);
        }
    }

    private sealed record RunningUser(CancellationTokenSource Stop, Task Task);
}

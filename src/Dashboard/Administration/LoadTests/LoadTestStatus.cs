using Observability.Core.Kpis;

namespace Observability.Dashboard.Administration.LoadTests;

public enum LoadTestState
{
    Running,
    /// <summary>Asked to stop (SIGTERM); it prints its summary and exits.</summary>
    Stopping,
    /// <summary>Ran to its duration or was stopped, and exited normally.</summary>
    Finished,
    /// <summary>Exited with an error (a bad option, the gateway unreachable at start...).</summary>
    Failed,
}

/// <summary>What the Load test page shows of the current (or last) run: the plan, its state, its latest progress line and summary.</summary>
public sealed record LoadTestStatus(
    LoadTestPlan Plan,
    LoadTestState State,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    LoadGenProgress? Progress,
    LoadGenSummary? Summary,
    string? StoppedBy,
    string? Error,
    IReadOnlyList<string> Output,
    LoadTestRecord? Evidence)
{
    public bool IsActive => State is LoadTestState.Running or LoadTestState.Stopping;

    public TimeSpan Elapsed(DateTimeOffset now) => ((EndedAt ?? now) - StartedAt) switch
    {
        var elapsed when elapsed < TimeSpan.Zero => TimeSpan.Zero,
        var elapsed => elapsed,
    };

    /// <summary>0 to 100: the share of the planned duration that has passed.</summary>
    public double PercentDone(DateTimeOffset now) => Math.Clamp(100 * Elapsed(now) / Plan.Duration, 0, 100);
}

/// <summary>Starts, watches and stops one load test at a time, and attaches a finished one to a roadmap phase as evidence.</summary>
public interface ILoadTestRunner
{
    /// <summary>The running load test, or the last one of this process; null before the first.</summary>
    LoadTestStatus? Current { get; }

    /// <summary>Starts the plan; throws <see cref="InvalidOperationException"/> (saying who started it) while another runs.</summary>
    Task StartAsync(LoadTestPlan plan, CancellationToken cancellationToken);

    /// <summary>Asks the running load test to stop (SIGTERM); it still prints its summary.</summary>
    Task StopAsync(string stoppedBy, CancellationToken cancellationToken);

    /// <summary>
    /// Records the finished run as load-test evidence of <paramref name="phase"/> (as POST /api/roadmap/phases/{n}/loadtests
    /// does), by <paramref name="recordedBy"/>; throws <see cref="ArgumentException"/> for a phase the roadmap has not and
    /// <see cref="InvalidOperationException"/> when no run has finished.
    /// </summary>
    Task<LoadTestRecord> AttachAsync(int phase, string recordedBy, CancellationToken cancellationToken);
}

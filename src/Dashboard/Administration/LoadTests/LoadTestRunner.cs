using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Observability.Collector.Hosting;
using Observability.Core.Kpis;
using Observability.Core.Roadmap;
using Observability.Dashboard.Demo;

namespace Observability.Dashboard.Administration.LoadTests;

/// <summary>
/// Runs the sample workload's loadgen role as a child process (dotnet Observability.SampleWorkload.dll loadgen ...), reads its
/// progress lines, stops it with SIGTERM, and kills it when the Dashboard stops. Its own metrics go to this Collector.
/// </summary>
public sealed class LoadTestRunner(IKpiStore kpis, RoadmapDefinition roadmap, IOptions<CollectorOptions> collector, TimeProvider time, ILogger<LoadTestRunner> logger)
    : ILoadTestRunner, IAsyncDisposable
{
    /// <summary>The sample workload reads the seeded users' password from this variable (LoadGenOptionsParser.UserPasswordVariable).</summary>
    private const string UserPasswordVariable = "WORKLOAD_USER_PASSWORD";

    /// <summary>The sample workload's children stop when this pid goes away (ParentWatchdog.ParentPidVariable).</summary>
    private const string ParentPidVariable = "WORKLOAD_PARENT_PID";

    private const int OutputLines = 20;

    private static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;
    private LoadTestStatus? _current;

    public LoadTestStatus? Current
    {
        get
        {
            lock (_gate)
            {
                return _current is null ? null : _current with { Output = [.. _output] };
            }
        }
    }

    public Task StartAsync(LoadTestPlan plan, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_current is { IsActive: true } running)
            {
                throw new InvalidOperationException(
                    $"A load test started by {running.Plan.StartedBy} at {running.StartedAt.UtcDateTime:HH:mm:ss} UTC is running ({running.Plan.Describe()}); one runs at a time, stop it first.");
            }
            _output.Clear();
            _process?.Dispose();
            _process = null;
            var process = new Process { StartInfo = StartInfo(plan), EnableRaisingEvents = true };
            process.OutputDataReceived += (_, e) => OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data);
            process.Exited += (_, _) => OnExited(process);
            _current = new LoadTestStatus(plan, LoadTestState.Running, time.GetUtcNow(), null, null, null, null, null, [], null);
            try
            {
                process.Start();
            }
            catch (System.ComponentModel.Win32Exception error)
            {
                process.Dispose();
                _current = _current with { State = LoadTestState.Failed, EndedAt = time.GetUtcNow(), Error = $"the load generator could not be started: {error.Message}" };
                throw new InvalidOperationException($"The load generator could not be started (dotnet {StartInfo(plan).ArgumentList[0]}): {error.Message}", error);
            }
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;
            logger.LogInformation("Load test started by {User}: {Plan}", plan.StartedBy, plan.Describe());
        }
        return Task.CompletedTask;
    }

    private ProcessStartInfo StartInfo(LoadTestPlan plan)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Observability.SampleWorkload.dll"));
        start.ArgumentList.Add("loadgen");
        foreach (var argument in plan.Arguments())
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment[UserPasswordVariable] = plan.UserPassword;
        start.Environment[ParentPidVariable] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        start.Environment["OTEL_SERVICE_NAME"] = "loadgen";
        start.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Value.OtlpGrpcUrl;
        start.Environment["OTEL_METRIC_EXPORT_INTERVAL"] = "5000";
        return start;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        while (_output.Count > OutputLines && _output.TryDequeue(out _))
        {
        }
        lock (_gate)
        {
            if (_current is null)
            {
                return;
            }
            if (LoadGenProgress.TryParse(line) is { } progress)
            {
                _current = _current with { Progress = progress };
            }
            else if (LoadGenProgress.TryParseSummary(line) is { } summary)
            {
                _current = _current with { Summary = summary };
            }
        }
    }

    private void OnExited(Process process)
    {
        // The last lines may still be in the pipes; this waits for them (the process has exited, so it returns at once after).
        process.WaitForExit();
        lock (_gate)
        {
            if (_current is null || !ReferenceEquals(process, _process))
            {
                return;
            }
            var failed = process.ExitCode != 0;
            _current = _current with
            {
                State = failed ? LoadTestState.Failed : LoadTestState.Finished,
                EndedAt = time.GetUtcNow(),
                Error = failed ? $"the load generator exited with code {process.ExitCode}: {_output.LastOrDefault() ?? "no output"}" : null,
            };
            logger.LogInformation("Load test ended: {State} {Summary}", _current.State, _current.Summary?.Line ?? _current.Error);
        }
    }

    public async Task StopAsync(string stoppedBy, CancellationToken cancellationToken)
    {
        Process? process;
        lock (_gate)
        {
            if (_current is not { State: LoadTestState.Running } || _process is null)
            {
                return;
            }
            _current = _current with { State = LoadTestState.Stopping, StoppedBy = stoppedBy };
            process = _process;
        }
        UnixSignal.Terminate(process.Id);
        await WaitOrKillAsync(process, cancellationToken);
    }

    private static async Task WaitOrKillAsync(Process process, CancellationToken cancellationToken)
    {
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(StopGracePeriod);
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    public async Task<LoadTestRecord> AttachAsync(int phase, string recordedBy, CancellationToken cancellationToken)
    {
        if (roadmap.Phase(phase) is null)
        {
            throw new ArgumentException($"phase {phase} is not a phase of the roadmap (1 to {roadmap.Phases[^1].Number})", nameof(phase));
        }
        var run = Current;
        if (run is not { State: LoadTestState.Finished, EndedAt: { } endedAt })
        {
            throw new InvalidOperationException(run is { IsActive: true }
                ? "The load test is still running; attach it once it has finished."
                : "No load test has finished in this session; run one first.");
        }
        var users = run.Summary?.PeakUsers is > 0 and var peak ? peak : run.Plan.ToUsers;
        var note = $"{run.Plan.Describe()}; {run.Summary?.Line ?? "no summary line"}";
        var record = new LoadTestRecord("lt-" + Guid.NewGuid().ToString("N")[..12], phase, users, run.StartedAt, endedAt, note, recordedBy, time.GetUtcNow());
        await kpis.AddLoadTestAsync(record, cancellationToken);
        lock (_gate)
        {
            _current = _current! with { Evidence = record };
        }
        return record;
    }

    public async ValueTask DisposeAsync()
    {
        Process? process;
        lock (_gate)
        {
            process = _process;
            _process = null;
        }
        if (process is null)
        {
            return;
        }
        if (!process.HasExited)
        {
            UnixSignal.Terminate(process.Id);
            await WaitOrKillAsync(process, CancellationToken.None);
        }
        process.Dispose();
    }
}

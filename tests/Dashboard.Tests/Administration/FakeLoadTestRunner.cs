using Observability.Core.Kpis;
using Observability.Dashboard.Administration.LoadTests;

namespace Observability.Dashboard.Tests.Administration;

/// <summary>A load-test runner whose status a test sets; counts how often the page reads it and records what it was asked.</summary>
internal sealed class FakeLoadTestRunner : ILoadTestRunner
{
    private LoadTestStatus? _current;

    public int Reads { get; private set; }

    public List<LoadTestPlan> Started { get; } = [];

    public List<string> StoppedBy { get; } = [];

    public List<(int Phase, string By)> Attached { get; } = [];

    public LoadTestStatus? Current
    {
        get
        {
            Reads++;
            return _current;
        }
        set => _current = value;
    }

    public Task StartAsync(LoadTestPlan plan, CancellationToken cancellationToken)
    {
        Started.Add(plan);
        _current = new LoadTestStatus(plan, LoadTestState.Running, AdministrationContext.Now, null, null, null, null, null, [], null);
        return Task.CompletedTask;
    }

    public Task StopAsync(string stoppedBy, CancellationToken cancellationToken)
    {
        StoppedBy.Add(stoppedBy);
        return Task.CompletedTask;
    }

    public Task<LoadTestRecord> AttachAsync(int phase, string recordedBy, CancellationToken cancellationToken)
    {
        Attached.Add((phase, recordedBy));
        var run = _current!;
        var record = new LoadTestRecord("lt-0123456789ab", phase, run.Plan.ToUsers, run.StartedAt, run.EndedAt!.Value, "", recordedBy, AdministrationContext.Now);
        _current = run with { Evidence = record };
        return Task.FromResult(record);
    }
}

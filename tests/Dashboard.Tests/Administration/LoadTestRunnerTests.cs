using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Observability.Collector.Hosting;
using Observability.Core.Roadmap;
using Observability.Core.Storage;
using Observability.Core.Storage.Sqlite;
using Observability.Dashboard.Administration.LoadTests;
using Observability.Tests.Shared;

namespace Observability.Dashboard.Tests.Administration;

/// <summary>
/// The real runner: the sample workload's loadgen as a child process, against a gateway port nobody listens on (every request
/// refused), so its progress lines, its stop on SIGTERM and its summary are the real ones without starting the workload.
/// </summary>
[Collection(LoadGenChild.Name)]
public sealed class LoadTestRunnerTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly string _folder = Directory.CreateTempSubdirectory("obs-loadtest-").FullName;
    private SqliteTelemetryStore _store = null!;
    private LoadTestRunner _runner = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteTelemetryStore(new SqliteStorageOptions { Path = Path.Combine(_folder, "test.db") }, NullLogger<SqliteTelemetryStore>.Instance);
        await _store.InitializeAsync(CancellationToken.None);
        var roadmap = RoadmapLoader.Load(Path.Combine(AppContext.BaseDirectory, "roadmap.yaml"));
        // The loadgen's own metrics go to a port nobody listens on either; the exporter gives up quietly.
        var collector = Options.Create(new CollectorOptions { OtlpGrpcUrl = $"http://127.0.0.1:{FreePort.Next()}" });
        _runner = new LoadTestRunner(_store.Kpis, roadmap, collector, TimeProvider.System, NullLogger<LoadTestRunner>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _runner.DisposeAsync();
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<LoadTestStatus> WaitForAsync(Func<LoadTestStatus, bool> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow + Deadline;
        while (true)
        {
            if (_runner.Current is { } status && condition(status))
            {
                return status;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not happen within {Deadline.TotalSeconds} s; output:{Environment.NewLine}{string.Join(Environment.NewLine, _runner.Current?.Output ?? [])}");
            }
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Runs_the_loadgen_reports_its_progress_stops_on_request_and_is_attached_as_evidence()
    {
        var plan = new LoadTestPlan(new Uri($"http://127.0.0.1:{FreePort.Next()}"), 3, 3, 0, 60, "any-password", "sam");

        await _runner.StartAsync(plan, CancellationToken.None);
        var second = await Assert.ThrowsAsync<InvalidOperationException>(() => _runner.StartAsync(plan, CancellationToken.None));
        var running = await WaitForAsync(s => s.Progress is not null, "a progress line");
        await _runner.StopAsync("sam", CancellationToken.None);
        var finished = await WaitForAsync(s => !s.IsActive, "the end of the run");
        var record = await _runner.AttachAsync(2, "sam", CancellationToken.None);

        Assert.StartsWith("A load test started by sam at ", second.Message);
        Assert.Equal(3, running.Progress!.TargetUsers);
        Assert.Equal(LoadTestState.Finished, finished.State);
        Assert.Equal("sam", finished.StoppedBy);
        Assert.True(finished.Elapsed(DateTimeOffset.UtcNow) < TimeSpan.FromSeconds(30), "stopped well before its 60 s");
        Assert.Equal(3, finished.Summary!.PeakUsers);
        Assert.StartsWith("summary  ran ", finished.Summary.Line);
        var stored = Assert.Single(await _store.Kpis.GetLoadTestsAsync(CancellationToken.None));
        Assert.Equal(record, stored);
        Assert.Equal((2, 3, "sam"), (stored.Phase, stored.Users, stored.RecordedBy));
        Assert.StartsWith("3 users for 60 s against", stored.Note);
    }

    [Fact]
    public async Task Evidence_needs_a_finished_run_and_a_phase_of_the_roadmap()
    {
        var none = await Assert.ThrowsAsync<InvalidOperationException>(() => _runner.AttachAsync(2, "sam", CancellationToken.None));
        var phase = await Assert.ThrowsAsync<ArgumentException>(() => _runner.AttachAsync(9, "sam", CancellationToken.None));

        Assert.Equal("No load test has finished in this session; run one first.", none.Message);
        Assert.StartsWith("phase 9 is not a phase of the roadmap (1 to 7)", phase.Message);
    }
}

/// <summary>
/// The tests that start a loadgen process run alone: a second .NET process starting on two shared cores would starve the
/// timing-sensitive component tests running beside it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadGenChild
{
    public const string Name = "loadgen child process";
}

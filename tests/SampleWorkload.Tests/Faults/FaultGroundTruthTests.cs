using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Observability.SampleWorkload.Faults;
using Observability.SampleWorkload.Infrastructure;
using Observability.SampleWorkload.Launcher;
using Observability.SampleWorkload.Shared;
using Observability.SampleWorkload.Tests.Infrastructure;
using Observability.SampleWorkload.Tests.Launcher;

namespace Observability.SampleWorkload.Tests.Faults;

/// <summary>A fault ends on its own after its duration, with a fault.start and a fault.end span as ground truth.</summary>
public sealed class FaultGroundTruthTests : IAsyncLifetime, IDisposable
{
    private readonly TempDataFolder _folder = new();
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;
    private RedisServer? _redis;

    public FaultGroundTruthTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == WorkloadTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync(Path.Combine(_folder.Path, "redis"));

    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.StopAsync();
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Cache_down_takes_Redis_away_for_its_duration_and_records_start_and_end()
    {
        var redis = _redis!;
        var supervisor = new ServiceSupervisor(TestSupervisor.Options(_folder.Path), []);
        await using var faults = new FaultService(
            new FaultContext { Phase = 2, Supervisor = supervisor, Databases = null, OwnRedis = redis, ControlToken = "unused" },
            new HttpClient(), NullLogger<FaultService>.Instance, TimeProvider.System);
        var pingTimeout = TimeSpan.FromMilliseconds(300);

        var outcome = await faults.StartAsync(new FaultRequest { Kind = FaultKinds.CacheDown, DurationSeconds = 1 }, CancellationToken.None);
        var duringFault = await redis.PingAsync(pingTimeout);
        var clock = Stopwatch.StartNew();
        while (faults.List().Single().Status == "active" && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }
        var afterFault = await redis.PingAsync(pingTimeout);

        var fault = Assert.IsType<FaultRecord>(outcome.Fault);
        Assert.Equal(201, outcome.StatusCode);
        Assert.False(duringFault);
        Assert.True(afterFault);
        Assert.Equal("ended", faults.List().Single().Status);
        var start = Assert.Single(_spans, span => span.OperationName == "fault.start" && Equals(span.GetTagItem("fault.id"), fault.Id));
        var end = Assert.Single(_spans, span => span.OperationName == "fault.end" && Equals(span.GetTagItem("fault.id"), fault.Id));
        Assert.Equal(FaultKinds.CacheDown, start.GetTagItem("fault.kind"));
        Assert.Equal("redis", start.GetTagItem("fault.target"));
        Assert.Equal(FaultKinds.CacheDown, end.GetTagItem("fault.kind"));
        Assert.Equal("ended", end.GetTagItem("fault.status"));
        Assert.Contains(start.Events, e => e.Name == "fault");
        Assert.Null(start.Parent);
        // It ended after about its duration, not at once and not much later.
        Assert.InRange((end.StartTimeUtc - start.StartTimeUtc).TotalSeconds, 0.9, 5);
    }
}

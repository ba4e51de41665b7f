using System.Collections.Concurrent;
using System.Diagnostics;

namespace Observability.SampleWorkload.Tests.Services;

/// <summary>
/// Records every span started in this process (the services under test run in it), as an in-memory exporter would:
/// an ActivityListener that samples everything and keeps each span when it ends.
/// </summary>
public sealed class ActivityRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _ended = new();

    public ActivityRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ended.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> Ended => [.. _ended];

    /// <summary>Server spans (ASP.NET Core) of requests to the given path.</summary>
    public IEnumerable<Activity> Server(string path) =>
        Ended.Where(activity => activity.Kind == ActivityKind.Server && Equals(activity.GetTagItem("url.path"), path));

    public void Dispose() => _listener.Dispose();
}

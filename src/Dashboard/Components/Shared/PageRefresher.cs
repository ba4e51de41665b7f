using Observability.Dashboard.Hosting;

namespace Observability.Dashboard.Components.Shared;

/// <summary>
/// A page's re-reads on a timer: started from the first interactive render (never during prerender), never faster than
/// <see cref="MinimumPeriodMilliseconds"/>, one read at a time when asked through <see cref="ExclusiveAsync"/> (a click
/// and a tick may ask at once), and stopped and awaited when the page is disposed, so no read outlives the page.
/// </summary>
public sealed class PageRefresher : IAsyncDisposable
{
    /// <summary>No page of the dashboard reads more often than this, whatever is configured.</summary>
    public const int MinimumPeriodMilliseconds = 2000;

    private readonly CancellationTokenSource _closed = new();
    private readonly SemaphoreSlim _reading = new(1, 1);
    private PeriodicTimer? _timer;
    private Task? _running;

    /// <summary>Cancelled when the page closes; reads pass it on.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>The configured period (Dashboard:RefreshMilliseconds), throttled to the minimum.</summary>
    public static TimeSpan Period(DashboardOptions options) =>
        TimeSpan.FromMilliseconds(Math.Max(MinimumPeriodMilliseconds, options.RefreshMilliseconds));

    /// <summary>Starts ticking every <paramref name="period"/> (at least the minimum); a second call does nothing.</summary>
    public void Start(TimeSpan period, TimeProvider time, Func<Task> tick)
    {
        if (_timer is not null || _closed.IsCancellationRequested)
        {
            return;
        }
        var throttled = TimeSpan.FromMilliseconds(Math.Max(MinimumPeriodMilliseconds, period.TotalMilliseconds));
        _timer = new PeriodicTimer(throttled, time);
        _running = RunAsync(_timer, tick);
    }

    /// <summary>Runs a read when no other is running.</summary>
    public async Task ExclusiveAsync(Func<Task> read)
    {
        await _reading.WaitAsync(_closed.Token);
        try
        {
            await read();
        }
        finally
        {
            _reading.Release();
        }
    }

    private async Task RunAsync(PeriodicTimer timer, Func<Task> tick)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(_closed.Token))
            {
                await tick();
            }
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closed.CancelAsync();
        _timer?.Dispose();
        if (_running is not null)
        {
            await _running;
        }
        _closed.Dispose();
        _reading.Dispose();
    }
}

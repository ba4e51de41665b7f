namespace Observability.Dashboard.Reports;

/// <summary>
/// A page's re-read on a timer: started from the first interactive render (never during prerender), stopped and awaited
/// when the page is disposed, so no read outlives the page.
/// </summary>
public sealed class PageRefresher : IAsyncDisposable
{
    /// <summary>No page of the dashboard reads more often than this, whatever is configured (as the Overview).</summary>
    public const int MinimumPeriodMilliseconds = Components.Pages.Overview.MinimumRefreshMilliseconds;

    private readonly CancellationTokenSource _closed = new();
    private PeriodicTimer? _timer;
    private Task? _running;

    /// <summary>Cancelled when the page closes; reads pass it on.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Starts ticking every <paramref name="period"/> (at least <see cref="MinimumPeriodMilliseconds"/>); a second call does nothing.</summary>
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
    }
}

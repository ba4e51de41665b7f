using Observability.Dashboard.Hosting;

namespace Observability.Dashboard.Telemetry;

/// <summary>
/// A page's live reads: a tick on a PeriodicTimer (no faster than <see cref="Components.Pages.Overview.MinimumRefreshMilliseconds"/>) while
/// the page is open, one read at a time (a click and a tick may ask at once), all stopped and awaited on dispose.
/// </summary>
public sealed class LiveRefresh : IAsyncDisposable
{
    private readonly CancellationTokenSource _closed = new();
    private readonly SemaphoreSlim _reading = new(1, 1);
    private PeriodicTimer? _timer;
    private Task? _ticking;

    /// <summary>Cancelled when the page closes.</summary>
    public CancellationToken Closed => _closed.Token;

    public static int PeriodMilliseconds(DashboardOptions options) => Math.Max(Components.Pages.Overview.MinimumRefreshMilliseconds, options.RefreshMilliseconds);

    /// <summary>Starts ticking, once; call it from OnAfterRender so that only an interactive page (not the prerender) refreshes.</summary>
    public void Start(DashboardOptions options, TimeProvider time, Func<Task> tick)
    {
        if (_timer is not null)
        {
            return;
        }
        _timer = new PeriodicTimer(TimeSpan.FromMilliseconds(PeriodMilliseconds(options)), time);
        _ticking = TickAsync(_timer, tick);
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

    private async Task TickAsync(PeriodicTimer timer, Func<Task> tick)
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
        if (_ticking is not null)
        {
            await _ticking;
        }
        _closed.Dispose();
        _reading.Dispose();
    }
}

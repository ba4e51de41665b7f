namespace Observability.Dashboard.Components.Administration;

/// <summary>
/// Calls back on a period from <see cref="Start"/> (a page's first interactive render) until disposed: cancelled and awaited,
/// so no tick runs after the page is closed.
/// </summary>
public sealed class PageTimer(TimeProvider time, TimeSpan period, Func<Task> tick) : IAsyncDisposable
{
    private readonly CancellationTokenSource _closed = new();
    private PeriodicTimer? _timer;
    private Task? _running;

    /// <summary>Starts the ticks; false when they had started already.</summary>
    public bool Start()
    {
        if (_timer is not null)
        {
            return false;
        }
        _timer = new PeriodicTimer(period, time);
        _running = RunAsync(_timer);
        return true;
    }

    private async Task RunAsync(PeriodicTimer timer)
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
            // Closed.
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

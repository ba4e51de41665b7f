namespace Observability.Dashboard.OnCall;

/// <summary>
/// Calls a page's refresh on a period while the page is open, and stops (awaiting the call in flight) when it closes.
/// Started after the first interactive render only, so the prerendered HTML is read once.
/// </summary>
internal sealed class RefreshLoop(TimeProvider time, TimeSpan period, Func<CancellationToken, Task> refresh) : IAsyncDisposable
{
    private readonly CancellationTokenSource _closed = new();
    private PeriodicTimer? _timer;
    private Task? _running;

    /// <summary>Cancelled when the page closes; reads started by the page pass it on.</summary>
    public CancellationToken Closed => _closed.Token;

    public void Start()
    {
        if (_timer is not null || _closed.IsCancellationRequested)
        {
            return;
        }
        _timer = new PeriodicTimer(period, time);
        _running = RunAsync(_timer);
    }

    private async Task RunAsync(PeriodicTimer timer)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(_closed.Token))
            {
                await refresh(_closed.Token);
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

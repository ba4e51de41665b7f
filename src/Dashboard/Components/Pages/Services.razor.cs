using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Observability.Dashboard.Components.Shared;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.Telemetry;

namespace Observability.Dashboard.Components.Pages;

/// <summary>
/// Rate, errors and p50/p95/p99 per service over a window ending now, the dependency map, and the selected service's
/// operations and charts; re-read on a timer while open.
/// </summary>
public sealed partial class Services : IAsyncDisposable
{
    private readonly CancellationTokenSource _closed = new();
    private readonly SemaphoreSlim _reading = new(1, 1);
    private PeriodicTimer? _timer;
    private Task? _refreshing;

    [Inject]
    public required IServicesSource Source { get; set; }

    [Inject]
    public required IOptions<DashboardOptions> Options { get; set; }

    [Inject]
    public required ILogger<Services> Logger { get; set; }

    [Inject]
    public required TimeProvider Time { get; set; }

    private TimeSpan Range { get; set; } = TimeSpan.FromMinutes(15);

    private string? Selected { get; set; }

    private ServicesSnapshot? Snapshot { get; set; }

    private string? Error { get; set; }

    private string Window => TimeRangePicker.Describe(Range);

    private int RefreshMilliseconds => Math.Max(Overview.MinimumRefreshMilliseconds, Options.Value.RefreshMilliseconds);

    private string RefreshSeconds => (RefreshMilliseconds / 1000.0).ToString("0.#", CultureInfo.InvariantCulture);

    protected override async Task OnInitializedAsync()
    {
        await ReadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // Only an interactive page (after render, with a circuit) refreshes; the prerendered HTML is read once.
        if (firstRender && _timer is null)
        {
            _timer = new PeriodicTimer(TimeSpan.FromMilliseconds(RefreshMilliseconds), Time);
            _refreshing = RefreshAsync(_timer);
        }
    }

    private async Task RefreshAsync(PeriodicTimer timer)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(_closed.Token))
            {
                await ReadAsync();
                await InvokeAsync(StateHasChanged);
            }
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
    }

    private async Task OnRangeChangedAsync(TimeSpan range)
    {
        Range = range;
        await ReadAsync();
    }

    private async Task SelectAsync(string service)
    {
        Selected = service;
        await ReadAsync();
    }

    private async Task ReadAsync()
    {
        // A click and a timer tick may ask at once; one read at a time keeps the source (one per circuit) simple.
        await _reading.WaitAsync(_closed.Token);
        try
        {
            Snapshot = await Source.ReadAsync(Range, Selected, _closed.Token);
            Error = null;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Keep the last figures on screen and say why they are not fresh; the next tick tries again.
            Logger.LogWarning(error, "Reading the services failed");
            Error = $"The latest figures could not be read ({error.Message}); showing the last ones read.";
        }
        finally
        {
            _reading.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closed.CancelAsync();
        _timer?.Dispose();
        if (_refreshing is not null)
        {
            await _refreshing;
        }
        _closed.Dispose();
        _reading.Dispose();
    }
}

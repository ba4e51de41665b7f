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
    private readonly PageRefresher _live = new();

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

    private string RefreshSeconds => PageRefresher.Period(Options.Value).TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    protected override async Task OnInitializedAsync()
    {
        await ReadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _live.Start(PageRefresher.Period(Options.Value), Time, async () =>
            {
                await ReadAsync();
                await InvokeAsync(StateHasChanged);
            });
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

    private Task ReadAsync() => _live.ExclusiveAsync(async () =>
    {
        try
        {
            Snapshot = await Source.ReadAsync(Range, Selected, _live.Closed);
            Error = null;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Keep the last figures on screen and say why they are not fresh; the next tick tries again.
            Logger.LogWarning(error, "Reading the services failed");
            Error = $"The latest figures could not be read ({error.Message}); showing the last ones read.";
        }
    });

    public ValueTask DisposeAsync() => _live.DisposeAsync();
}

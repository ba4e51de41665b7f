using Observability.Dashboard.Components.Shared;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using Observability.Core.Security;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.OnCall;

namespace Observability.Dashboard.Components.OnCall;

/// <summary>
/// What the on-call pages share: read on open and again on a timer while open (never faster than the Overview's 2 s),
/// keep the last data with a line saying why when a read fails, know whether the user may respond, and say how an
/// action went. Designed for the Alerts, Incidents and incident pages to inherit.
/// </summary>
public abstract class LiveOnCallPage : ComponentBase, IAsyncDisposable
{
    private readonly PageRefresher _loop = new();

    [Inject]
    public required IOnCallSource Source { get; set; }

    [Inject]
    public required IOptions<DashboardOptions> Options { get; set; }

    [Inject]
    public required ILoggerFactory Loggers { get; set; }

    [Inject]
    public required TimeProvider Time { get; set; }

    [Inject]
    public required AuthenticationStateProvider Authentication { get; set; }

    [Inject]
    public required IAuthorizationService Authorization { get; set; }

    /// <summary>Why the data shown is not fresh, or null.</summary>
    protected string? Error { get; private set; }

    protected ClaimsPrincipal User { get; private set; } = new();

    /// <summary>Whether the user's role may acknowledge, silence and record incident steps (the responder checks again).</summary>
    protected bool CanRespond { get; private set; }

    /// <summary>How the last action went, in words.</summary>
    protected string? Notice { get; private set; }

    protected bool NoticeIsError { get; private set; }

    /// <summary>Cancelled when the page closes.</summary>
    protected CancellationToken Closed => _loop.Closed;

    protected TimeSpan RefreshPeriod => PageRefresher.Period(Options.Value);

    protected string RefreshSeconds => RefreshPeriod.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>What the page reads, as the error line names it ("the alerts").</summary>
    protected abstract string WhatIsRead { get; }

    /// <summary>Reads the page's data from the source and keeps it.</summary>
    protected abstract Task ReadDataAsync(CancellationToken cancellationToken);

    protected override async Task OnInitializedAsync()
    {
        User = (await Authentication.GetAuthenticationStateAsync()).User;
        CanRespond = (await Authorization.AuthorizeAsync(User, KnownPolicies.Respond)).Succeeded;
        await ReadAsync(_loop.Closed);
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // Only an interactive page (after render, with a circuit) refreshes; the prerendered HTML is read once.
        if (firstRender)
        {
            _loop.Start(RefreshPeriod, Time, () => InvokeAsync(async () =>
            {
                await ReadAsync(_loop.Closed);
                StateHasChanged();
            }));
        }
    }

    /// <summary>Reads now; on failure keeps what was read last and says why (the next tick tries again).</summary>
    protected async Task ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReadDataAsync(cancellationToken);
            Error = null;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            Loggers.CreateLogger(GetType()).LogWarning(error, "Reading {What} failed", WhatIsRead);
            Error = $"{char.ToUpperInvariant(WhatIsRead[0])}{WhatIsRead[1..]} could not be read ({error.Message}); showing what was read last.";
        }
    }

    protected void Say(string notice, bool isError)
    {
        Notice = notice;
        NoticeIsError = isError;
    }

    public async ValueTask DisposeAsync()
    {
        await _loop.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

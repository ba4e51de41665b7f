using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Observability.Dashboard.Components.Shared;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.Traces;

namespace Observability.Dashboard.Components.Pages;

/// <summary>
/// Trace search as in Jaeger: a service, optionally an operation, tags, a duration range and a time range; the search
/// lives in the URL's query string, so the page reads it from there and a search is a navigation. While results are shown
/// the search runs again on the dashboard's refresh period over a window ending now (as Aspire's traces page does), until
/// the user pauses it.
/// </summary>
public sealed partial class Traces : IAsyncDisposable
{
    private const string AllOperations = "All operations";

    private readonly PageRefresher _live = new();
    private TraceQuery? _applied;

    [Inject]
    public required ITraceSource Source { get; set; }

    [Inject]
    public required NavigationManager Navigation { get; set; }

    [Inject]
    public required TimeProvider Time { get; set; }

    [Inject]
    public required ILogger<Traces> Logger { get; set; }

    [Inject]
    public required IOptions<DashboardOptions> Options { get; set; }

    [SupplyParameterFromQuery(Name = TraceQuery.ServiceField)]
    public string? Service { get; set; }

    [SupplyParameterFromQuery(Name = TraceQuery.OperationField)]
    public string? Operation { get; set; }

    [SupplyParameterFromQuery(Name = TraceQuery.TagsField)]
    public string? Tags { get; set; }

    [SupplyParameterFromQuery(Name = TraceQuery.MinDurationField)]
    public string? MinDuration { get; set; }

    [SupplyParameterFromQuery(Name = TraceQuery.MaxDurationField)]
    public string? MaxDuration { get; set; }

    [SupplyParameterFromQuery(Name = TraceQuery.LookbackField)]
    public string? Lookback { get; set; }

    [SupplyParameterFromQuery(Name = TraceQuery.LimitField)]
    public string? Limit { get; set; }

    private TraceQuery Form { get; set; } = new();

    private IReadOnlyList<string>? ServiceNames { get; set; }

    private IReadOnlyList<string> OperationNames { get; set; } = [];

    private string? OperationsOf { get; set; }

    private IReadOnlyDictionary<string, string> Errors { get; set; } = new Dictionary<string, string>();

    private IReadOnlyList<TraceSummary>? Results { get; set; }

    private int SearchedLimit { get; set; }

    private DateTimeOffset SearchedAt { get; set; }

    private string? ReadError { get; set; }

    /// <summary>Whether the form answers clicks yet: the prerendered page does not until its circuit connects.</summary>
    private bool Interactive { get; set; }

    /// <summary>Whether the shown search runs again on the timer; the user pauses it to read a list that holds still.</summary>
    private bool Live { get; set; } = true;

    private string RefreshSeconds => PageRefresher.Period(Options.Value).TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    private TimeSpan LookbackValue => TraceQuery.TryParseLookback(Form.Lookback, out var lookback) ? lookback : TraceQuery.DefaultLookback;

    protected override async Task OnParametersSetAsync()
    {
        var defaults = new TraceQuery();
        var fromUrl = new TraceQuery
        {
            Service = Service ?? "",
            Operation = Operation ?? "",
            Tags = Tags ?? "",
            MinDuration = MinDuration ?? "",
            MaxDuration = MaxDuration ?? "",
            Lookback = Lookback ?? defaults.Lookback,
            Limit = Limit ?? defaults.Limit,
        };
        if (fromUrl == _applied)
        {
            // Parameters set again without a new URL (a parent re-rendered): keep what the user is typing.
            return;
        }
        _applied = fromUrl;
        Form = fromUrl;
        ReadError = null;
        if (ServiceNames is null)
        {
            await ReadServicesAsync();
        }
        await ReadOperationsAsync();
        if (Form.Service.Length > 0)
        {
            // A search from the URL (shared, bookmarked, or the back button) runs as it is, and says what is wrong with it.
            await RunAsync(fromUrl);
        }
        else
        {
            Errors = new Dictionary<string, string>();
            Results = null;
        }
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            Interactive = true;
            StateHasChanged();
            _live.Start(PageRefresher.Period(Options.Value), Time, async () =>
            {
                // The search in the URL, not what is being typed into the form; nothing runs while there is no result list.
                if (Live && Results is not null && _applied is { } applied)
                {
                    await RunAsync(applied, fromTimer: true);
                    await InvokeAsync(StateHasChanged);
                }
            });
        }
    }

    private void ToggleLive() => Live = !Live;

    private async Task OnServiceChangedAsync(string service)
    {
        // Operations belong to a service: a new service starts from all of its operations.
        Edit(Form with { Service = service, Operation = "" });
        await ReadOperationsAsync();
    }

    private void OnOperationChanged(string operation) => Edit(Form with { Operation = operation ?? "" });

    private void Edit(TraceQuery form) => Form = form;

    private bool HasError(string field) => Errors.ContainsKey(field);

    /// <summary>The button: a valid search becomes the page's URL (which runs it); an invalid one shows why, field by field.</summary>
    private async Task SearchAsync()
    {
        var parsed = Form.Parse(NowUnixNanos());
        Errors = parsed.Errors;
        if (parsed.Search is null)
        {
            return;
        }
        var url = Form.ToRelativeUrl();
        if (Navigation.ToBaseRelativePath(Navigation.Uri) == url)
        {
            // The same search again: the URL does not change, so run it here to show what arrived since.
            await RunAsync(Form);
            return;
        }
        Navigation.NavigateTo(url);
    }

    /// <summary>
    /// Runs <paramref name="query"/> over its time range ending now; one search at a time (a click and a tick may ask at
    /// once). The timer's run leaves the field errors alone: they belong to what the user last tried to search.
    /// </summary>
    private Task RunAsync(TraceQuery query, bool fromTimer = false) => _live.ExclusiveAsync(async () =>
    {
        var parsed = query.Parse(NowUnixNanos());
        if (!fromTimer)
        {
            Errors = parsed.Errors;
        }
        if (parsed.Search is not { } search)
        {
            Results = null;
            return;
        }
        await ReadAsync(async token =>
        {
            var traces = await Source.SearchAsync(search, token);
            Results = [.. traces.Select(TraceSummary.Of).OrderByDescending(t => t.StartUnixNanos)];
            SearchedLimit = search.Limit;
            SearchedAt = Time.GetUtcNow();
            ReadError = null;
        }, "The traces");
    });

    private Task ReadServicesAsync() => ReadAsync(async token => ServiceNames = await Source.GetServicesAsync(token), "The services");

    private async Task ReadOperationsAsync()
    {
        if (Form.Service.Length == 0 || Form.Service == OperationsOf)
        {
            return;
        }
        OperationsOf = Form.Service;
        OperationNames = [];
        await ReadAsync(async token => OperationNames = await Source.GetOperationsAsync(Form.Service, token), $"The operations of {Form.Service}");
    }

    private async Task ReadAsync(Func<CancellationToken, Task> read, string what)
    {
        try
        {
            await read(_live.Closed);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The page stays usable: the next search tries again.
            Logger.LogWarning(error, "{What} could not be read", what);
            ReadError = $"{what} could not be read ({error.Message}).";
        }
    }

    private long NowUnixNanos() => (Time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;

    public ValueTask DisposeAsync() => _live.DisposeAsync();
}

using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Observability.Core.Telemetry;
using Observability.Dashboard.Components.Shared;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.Traces;

namespace Observability.Dashboard.Components.Pages;

/// <summary>
/// One trace: its spans as a waterfall, and the details of the span clicked, with the logs written inside it. A trace
/// whose latest span ended within <see cref="StillArrivingWindow"/> may still be receiving spans: it is read again on
/// the dashboard's refresh period until it has been quiet that long.
/// </summary>
public sealed partial class TraceDetail : IAsyncDisposable
{
    /// <summary>How long after its latest span ended a trace is still read again for late spans.</summary>
    public static readonly TimeSpan StillArrivingWindow = TimeSpan.FromMinutes(2);

    /// <summary>Logs read per trace; a trace that wrote more says its logs are the first ones only.</summary>
    public const int MaxLogs = 1000;

    /// <summary>Logs are read from this long before the trace starts to this long after it ends: producers' clocks disagree a little.</summary>
    private static readonly long LogMarginNanos = (long)TimeSpan.FromMinutes(1).TotalNanoseconds;

    private readonly PageRefresher _live = new();
    private IReadOnlyList<LogRecord> _logs = [];
    private byte[]? _id;
    private long _latestEndUnixNanos;
    private bool _arrivingShown = true;

    [Parameter]
    public required string TraceId { get; set; }

    [Inject]
    public required ITraceSource Source { get; set; }

    [Inject]
    public required ILogger<TraceDetail> Logger { get; set; }

    [Inject]
    public required IOptions<DashboardOptions> Options { get; set; }

    [Inject]
    public required TimeProvider Time { get; set; }

    private TraceTree? Tree { get; set; }

    private TraceSummary? Summary { get; set; }

    private string? Problem { get; set; }

    private WaterfallRow? Selected { get; set; }

    private IReadOnlyList<LogRecord> SelectedLogs { get; set; } = [];

    private string? LogsNote { get; set; }

    private IReadOnlySet<string>? StoredLinkedTraces { get; set; }

    /// <summary>Whether the trace's latest span ended recently enough that more may arrive.</summary>
    private bool StillArriving => Tree is not null
        && Time.GetUtcNow() - DateTimeOffset.UnixEpoch.AddTicks(_latestEndUnixNanos / 100) < StillArrivingWindow;

    private string RefreshSeconds => PageRefresher.Period(Options.Value).TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    private string Title => Summary is null ? $"Trace {TraceId}" : $"{Summary.RootService}: {Summary.RootName}";

    private string FactsText => Summary is null ? "" : string.Join(" · ",
        $"Trace {Summary.TraceId}",
        $"started {DurationText.Time(Summary.StartUnixNanos)}",
        $"took {DurationText.Format(Summary.DurationNanos)}",
        $"{Summary.SpanCount.ToString("N0", CultureInfo.InvariantCulture)} span{(Summary.SpanCount == 1 ? "" : "s")}",
        Summary.ErrorCount switch { 0 => "no errors", 1 => "1 error", var n => $"{n} errors" });

    protected override async Task OnParametersSetAsync()
    {
        Tree = null;
        Summary = null;
        Selected = null;
        Problem = null;
        _id = null;
        if (!IsTraceId(TraceId))
        {
            Problem = $"'{TraceId}' is not a trace id: a trace id is 32 hex digits (16 for a 64-bit id).";
            return;
        }
        _id = TraceIds.FromHex(TraceId.PadLeft(32, '0'));
        await _live.ExclusiveAsync(() => ReadTraceAsync(_id));
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _live.Start(PageRefresher.Period(Options.Value), Time, async () =>
            {
                if (StillArriving)
                {
                    _arrivingShown = true;
                    await _live.ExclusiveAsync(ReadLateSpansAsync);
                    await InvokeAsync(StateHasChanged);
                }
                else if (_arrivingShown)
                {
                    // Fallen quiet: one more render takes the "still arriving" line away; no more reads.
                    _arrivingShown = false;
                    await InvokeAsync(StateHasChanged);
                }
            });
        }
    }

    private async Task ReadTraceAsync(byte[] id)
    {
        IReadOnlyList<SpanRecord> spans;
        try
        {
            spans = await ReadSpansAsync(id);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            Logger.LogWarning(error, "Reading trace {TraceId} failed", TraceId);
            Problem = $"The trace could not be read ({error.Message}). Reload the page to try again.";
            return;
        }
        if (spans.Count == 0)
        {
            Problem = $"No trace with id {TraceIds.ToHex(id)} is stored (it may have expired with retention, or not arrived yet).";
            return;
        }
        Show(spans);
        await ReadLogsAsync(id);
    }

    /// <summary>The timer's read: when spans arrived since, the waterfall takes them in and the selected span stays selected.</summary>
    private async Task ReadLateSpansAsync()
    {
        if (Tree is null || _id is not { } id)
        {
            return;
        }
        IReadOnlyList<SpanRecord> spans;
        try
        {
            spans = await ReadSpansAsync(id);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The trace on screen stays; the next tick tries again.
            Logger.LogWarning(error, "Reading trace {TraceId} again failed", TraceId);
            return;
        }
        if (spans.Count <= Tree.Rows.Count)
        {
            return;
        }
        var selected = Selected?.SpanId;
        Show(spans);
        await ReadLogsAsync(id);
        if (selected is not null && Tree.Find(selected) is { } row)
        {
            await SelectAsync(row);
        }
    }

    private async Task<IReadOnlyList<SpanRecord>> ReadSpansAsync(byte[] id)
    {
        var traces = await Source.GetTracesAsync([id], _live.Closed);
        return traces.Count > 0 ? traces[0] : [];
    }

    private void Show(IReadOnlyList<SpanRecord> spans)
    {
        Tree = TraceTree.Build(spans);
        Summary = TraceSummary.Of(spans);
        _latestEndUnixNanos = spans.Max(s => s.EndUnixNanos);
    }

    private async Task ReadLogsAsync(byte[] id)
    {
        LogsNote = null;
        try
        {
            var logs = await Source.GetTraceLogsAsync(id, Tree!.StartUnixNanos - LogMarginNanos, Tree.StartUnixNanos + Tree.DurationNanos + LogMarginNanos,
                MaxLogs, _live.Closed);
            _logs = logs;
            if (logs.Count >= MaxLogs)
            {
                LogsNote = $"The trace wrote more than {MaxLogs:N0} log records; these are from the newest {MaxLogs:N0}.";
            }
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            Logger.LogWarning(error, "Reading the logs of trace {TraceId} failed", TraceId);
            _logs = [];
            LogsNote = $"The trace's logs could not be read ({error.Message}).";
        }
    }

    private async Task SelectAsync(WaterfallRow row)
    {
        Selected = row;
        SelectedLogs = [.. _logs.Where(l => l.SpanId.AsSpan().SequenceEqual(row.Span.SpanId)).OrderBy(l => l.EffectiveTimeUnixNanos)];
        var links = SpanParts.Links(row.Span);
        StoredLinkedTraces = links.Count == 0 ? new HashSet<string>() : null;
        if (links.Count == 0)
        {
            return;
        }
        try
        {
            var ids = links.Select(l => l.TraceId).Where(IsTraceId).Distinct().Select(t => TraceIds.FromHex(t.PadLeft(32, '0'))).ToList();
            var stored = await Source.GetTracesAsync(ids, _live.Closed);
            if (Selected == row)
            {
                StoredLinkedTraces = stored.Select(t => TraceIds.ToHex(t[0].TraceId)).ToHashSet(StringComparer.Ordinal);
            }
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The links still show, just not clickable.
            Logger.LogWarning(error, "Looking up the traces linked from span {SpanId} failed", row.SpanId);
            StoredLinkedTraces = new HashSet<string>();
        }
    }

    private void CloseDetails() => Selected = null;

    private int SpanCountOf(string service) => Summary?.Services.FirstOrDefault(s => s.Service == service)?.SpanCount ?? 0;

    private static bool IsTraceId(string text) => text.Length is > 0 and <= 32 && text.All(char.IsAsciiHexDigit);

    public ValueTask DisposeAsync() => _live.DisposeAsync();
}

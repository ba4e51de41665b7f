using System.Globalization;
using Microsoft.AspNetCore.Components;
using Observability.Core.Storage;
using Observability.Core.Telemetry;
using Observability.Dashboard.Traces;

namespace Observability.Dashboard.Components.Traces;

/// <summary>One span in full: kind, status, times, span and resource attributes, events, links (to stored traces) and the logs written in it.</summary>
public sealed partial class SpanDetails
{
    [Parameter, EditorRequired]
    public required WaterfallRow Row { get; set; }

    [Parameter]
    public long TraceStartUnixNanos { get; set; }

    /// <summary>The stored log records of this span, oldest first.</summary>
    [Parameter]
    public IReadOnlyList<LogRecord> Logs { get; set; } = [];

    /// <summary>Why the logs may be incomplete (a read failed, or the trace has more than were read); null when they are whole.</summary>
    [Parameter]
    public string? LogsNote { get; set; }

    /// <summary>Linked trace ids that are stored (their links are clickable); null while not known yet.</summary>
    [Parameter]
    public IReadOnlySet<string>? StoredLinkedTraces { get; set; }

    [Parameter]
    public EventCallback OnClose { get; set; }

    private IReadOnlyList<KeyValuePair<string, string>> SpanAttributes { get; set; } = [];
    private IReadOnlyList<KeyValuePair<string, string>> ResourceAttributes { get; set; } = [];
    private IReadOnlyList<SpanEventView> Events { get; set; } = [];
    private IReadOnlyList<SpanLinkView> Links { get; set; } = [];

    private bool IsError => Row.Span.StatusCode == SpanStatusCode.Error;

    private string ParentText => Row.Span.ParentSpanId.Length == 0
        ? "none: this is a root span"
        : TraceIds.ToHex(Row.Span.ParentSpanId) + (Row.ParentMissing ? " (not stored with this trace)" : "");

    private string KindText => TraceSearchTags.KindText(Row.Span.Kind) is { Length: > 0 } kind ? kind : "unspecified";

    private string StatusText
    {
        get
        {
            var code = Row.Span.StatusCode switch
            {
                SpanStatusCode.Ok => "OK",
                SpanStatusCode.Error => "Error",
                _ => "Unset",
            };
            return Row.Span.StatusMessage.Length > 0 ? $"{code}: {Row.Span.StatusMessage}" : code;
        }
    }

    private string ScopeText => Row.Span.Scope.Name.Length == 0 ? "(none)"
        : Row.Span.Scope.Version.Length > 0 ? $"{Row.Span.Scope.Name} {Row.Span.Scope.Version}" : Row.Span.Scope.Name;

    protected override void OnParametersSet()
    {
        SpanAttributes = SpanParts.Attributes(Row.Span.AttributesJson);
        ResourceAttributes = SpanParts.Attributes(Row.Span.Resource.AttributesJson);
        Events = SpanParts.Events(Row.Span);
        Links = SpanParts.Links(Row.Span);
    }

    private static string SeverityText(LogRecord log) =>
        log.SeverityText.Length > 0 ? log.SeverityText
        : log.SeverityNumber > 0 ? log.SeverityNumber.ToString(CultureInfo.InvariantCulture) : "unspecified";
}

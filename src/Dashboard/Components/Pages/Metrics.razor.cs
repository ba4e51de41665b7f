using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Observability.Core.Metrics;
using Observability.Core.Telemetry;
using Observability.Dashboard.Components.Shared;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.Telemetry;

namespace Observability.Dashboard.Components.Pages;

/// <summary>
/// Metric names with type, unit and description; a metric's label sets; and a chart of an aggregation of it over a
/// window ending now, re-read on a timer while open.
/// </summary>
public sealed partial class Metrics : IAsyncDisposable
{
    /// <summary>The group-by choice that keeps every series apart (the query's default).</summary>
    public const string EachSeries = "";

    /// <summary>The group-by choice that merges every series into one.</summary>
    public const string AllTogether = "(all)";

    private readonly PageRefresher _live = new();

    /// <summary>The last query that ran, run again on each tick so the chart follows the window.</summary>
    private (string Metric, string Aggregation, string GroupBy)? _charted;

    [Inject]
    public required IMetricsSource Source { get; set; }

    [Inject]
    public required IOptions<DashboardOptions> Options { get; set; }

    [Inject]
    public required ILogger<Metrics> Logger { get; set; }

    [Inject]
    public required TimeProvider Time { get; set; }

    private TimeSpan Range { get; set; } = TimeSpan.FromMinutes(15);

    private IReadOnlyList<MetricDescriptor>? Catalog { get; set; }

    private string? ListError { get; set; }

    private string Filter { get; set; } = "";

    private MetricDescriptor? Selected { get; set; }

    private MetricSeriesList? SeriesList { get; set; }

    private string? SeriesError { get; set; }

    private string Aggregation { get; set; } = "";

    private string GroupBy { get; set; } = EachSeries;

    private MetricQueryAnswer? Answer { get; set; }

    private string? QueryError { get; set; }

    private string Window => TimeRangePicker.Describe(Range);

    private IReadOnlyList<MetricDescriptor> Shown => Catalog is null ? [] :
        [.. Catalog.Where(metric => metric.Name.Contains(Filter ?? "", StringComparison.OrdinalIgnoreCase))];

    private IEnumerable<string> LabelKeys => SeriesList is null ? [] :
        SeriesList.Series.SelectMany(labels => labels.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    protected override async Task OnInitializedAsync()
    {
        await ReadAsync(() => ReadCatalogAsync());
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _live.Start(PageRefresher.Period(Options.Value), Time, async () =>
            {
                await ReadAsync(async () =>
                {
                    await ReadCatalogAsync();
                    await ReadSeriesAsync();
                    await ChartAgainAsync();
                });
                await InvokeAsync(StateHasChanged);
            });
        }
    }

    private Task OnRangeChangedAsync(TimeSpan range)
    {
        Range = range;
        return ReadAsync(async () =>
        {
            await ReadSeriesAsync();
            await ChartAgainAsync();
        });
    }

    private Task SelectAsync(MetricDescriptor metric)
    {
        Selected = metric;
        SeriesList = null;
        Answer = null;
        QueryError = null;
        _charted = null;
        GroupBy = EachSeries;
        Aggregation = DefaultAggregation(metric.Type);
        return ReadAsync(ReadSeriesAsync);
    }

    private Task RunAsync() => Selected is { } metric
        ? ReadAsync(() => QueryAsync(metric.Name, Aggregation ?? "", GroupBy))
        : Task.CompletedTask;

    private Task ReadAsync(Func<Task> read) => _live.ExclusiveAsync(read);

    private Task ChartAgainAsync() => _charted is { } charted
        ? QueryAsync(charted.Metric, charted.Aggregation, charted.GroupBy)
        : Task.CompletedTask;

    private async Task ReadCatalogAsync()
    {
        try
        {
            Catalog = await Source.MetricsAsync(_live.Closed);
            ListError = null;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            Logger.LogWarning(error, "Reading the metric names failed");
            ListError = $"The metric names could not be read ({error.Message}); showing the last ones read.";
        }
    }

    private async Task ReadSeriesAsync()
    {
        if (Selected is not { } metric)
        {
            return;
        }
        try
        {
            SeriesList = await Source.SeriesAsync(metric.Name, Range, _live.Closed);
            SeriesError = null;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            Logger.LogWarning(error, "Reading the label sets of {Metric} failed", metric.Name);
            SeriesError = $"The label sets could not be read ({error.Message}).";
        }
    }

    private async Task QueryAsync(string metric, string aggregation, string groupBy)
    {
        if (string.IsNullOrWhiteSpace(aggregation))
        {
            QueryError = "Aggregation is empty; use sum, avg, max, rate, or a quantile of a histogram such as p50, p95, p99.9.";
            return;
        }
        try
        {
            IReadOnlyList<string>? by = groupBy switch
            {
                EachSeries => null,
                AllTogether => [],
                _ => [groupBy],
            };
            Answer = await Source.QueryAsync(metric, aggregation, by, Range, _live.Closed);
            QueryError = null;
            _charted = (metric, aggregation, groupBy);
        }
        catch (MetricQueryException error)
        {
            // The query as asked cannot run: say exactly why, and stop re-running the chart it replaced.
            QueryError = $"Aggregation: {error.Message}";
            Answer = null;
            _charted = null;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            Logger.LogWarning(error, "Querying {Metric} failed", metric);
            QueryError = $"The query could not be read ({error.Message}); showing the last chart read.";
        }
    }

    private static string DefaultAggregation(MetricType type) => type switch
    {
        MetricType.Histogram or MetricType.ExponentialHistogram => "p95",
        MetricType.Sum => "rate",
        _ => "avg",
    };

    private string QueryCaption(MetricQueryAnswer answer) => string.Create(CultureInfo.InvariantCulture,
        $"{answer.Request.Aggregation.Name} of {answer.Request.Metric} per {StepText(answer.Request.StepNanos)} over the {Window.ToLowerInvariant()}" +
        $"{(answer.Request.By is { } by ? (by.Count == 0 ? ", all series together" : $", by {string.Join(", ", by)}") : ", each series")}" +
        $"{(answer.Request.Aggregation.Kind == MetricAggregationKind.Rate ? " (per second)" : "")}.");

    private static string? NoDataText(MetricQueryAnswer answer) => answer.UnknownMetric
        ? $"No metric named '{answer.Request.Metric}' has been received."
        : answer.Result.NoData;

    private static string StepText(long stepNanos)
    {
        var step = TimeSpan.FromTicks(stepNanos / 100);
        return step.TotalMinutes >= 1 && step.TotalMinutes % 1 == 0 ? $"{step.TotalMinutes:0} min" : $"{step.TotalSeconds:0.###} s";
    }

    public static string TypeName(MetricType type) => type switch
    {
        MetricType.Gauge => "gauge",
        MetricType.Sum => "sum",
        MetricType.Histogram => "histogram",
        MetricType.ExponentialHistogram => "exponential histogram",
        MetricType.Summary => "summary",
        _ => "unknown",
    };

    private static string LabelText(SortedDictionary<string, string> labels) => labels.Count == 0
        ? "(no labels)"
        : "{" + string.Join(", ", labels.Select(label => $"{label.Key}=\"{label.Value}\"")) + "}";

    public ValueTask DisposeAsync() => _live.DisposeAsync();
}

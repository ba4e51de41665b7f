using System.Globalization;
using System.Text;
using Observability.Collector.Query;
using Observability.Collector.Query.Jaeger;
using Observability.Core.Storage;

namespace Observability.Dashboard.Traces;

/// <summary>
/// A trace search as typed into the Traces page, kept in the URL's query string (the parameter names of the Jaeger
/// UI's search URL) so a search can be shared and the back button returns to it.
/// </summary>
public sealed record TraceQuery
{
    public const string ServiceField = "service";
    public const string OperationField = "operation";
    public const string TagsField = "tags";
    public const string MinDurationField = "minDuration";
    public const string MaxDurationField = "maxDuration";
    public const string LookbackField = "lookback";
    public const string LimitField = "limit";

    public const int DefaultLimit = 20;
    public const int MaxLimit = 1500;
    public static readonly TimeSpan DefaultLookback = TimeSpan.FromHours(1);

    public string Service { get; init; } = "";

    /// <summary>Empty for every operation of the service.</summary>
    public string Operation { get; init; } = "";

    /// <summary>Jaeger's tag filter: <c>http.status_code=500 error=true</c> (logfmt) or a JSON object.</summary>
    public string Tags { get; init; } = "";

    public string MinDuration { get; init; } = "";
    public string MaxDuration { get; init; } = "";

    /// <summary>The window ending now: "15m", "1h", "7d".</summary>
    public string Lookback { get; init; } = FormatLookback(DefaultLookback);

    public string Limit { get; init; } = DefaultLimit.ToString(CultureInfo.InvariantCulture);

    /// <summary>The relative URL of this search on the Traces page: <c>traces?service=checkout&amp;lookback=1h&amp;limit=20</c>.</summary>
    public string ToRelativeUrl()
    {
        var url = new StringBuilder("traces");
        var separator = '?';
        void Add(string name, string value)
        {
            if (value.Length > 0)
            {
                url.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
                separator = '&';
            }
        }
        Add(ServiceField, Service);
        Add(OperationField, Operation);
        Add(TagsField, Tags.Trim());
        Add(MinDurationField, MinDuration.Trim());
        Add(MaxDurationField, MaxDuration.Trim());
        Add(LookbackField, Lookback);
        Add(LimitField, Limit.Trim());
        return url.ToString();
    }

    /// <summary>The store's search for the window ending at <paramref name="nowUnixNanos"/>, or the errors by field name (<see cref="ServiceField"/>, ...).</summary>
    public TraceQueryParse Parse(long nowUnixNanos)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Service.Length == 0)
        {
            errors[ServiceField] = "Choose a service: a search looks at one service's spans";
        }
        var tags = (IReadOnlyList<KeyValuePair<string, string>>)[];
        if (Tags.Trim().Length > 0 && !JaegerTags.TryParse(Tags.Trim(), out tags, out var tagsError))
        {
            errors[TagsField] = "T" + tagsError[1..];
        }
        var min = Duration(MinDuration, "Min duration", MinDurationField, errors);
        var max = Duration(MaxDuration, "Max duration", MaxDurationField, errors);
        if (min is { } minNanos && max is { } maxNanos && maxNanos < minNanos)
        {
            errors[MaxDurationField] = $"Max duration {MaxDuration.Trim()} is less than min duration {MinDuration.Trim()}";
        }
        if (!TryParseLookback(Lookback, out var lookback))
        {
            errors[LookbackField] = $"Time range '{Lookback}' is not a window like 15m, 1h or 7d";
        }
        if (!int.TryParse(Limit.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > MaxLimit)
        {
            errors[LimitField] = $"Limit '{Limit.Trim()}' is not a whole number from 1 to {MaxLimit}";
        }
        if (errors.Count > 0)
        {
            return new TraceQueryParse(null, errors);
        }
        return new TraceQueryParse(new TraceSearch
        {
            ServiceName = Service,
            OperationName = Operation.Length > 0 ? Operation : null,
            StartFromUnixNanos = nowUnixNanos - lookback.Ticks * 100,
            StartToUnixNanos = nowUnixNanos,
            MinDurationNanos = min,
            MaxDurationNanos = max,
            Tags = tags,
            Limit = limit,
        }, errors);
    }

    private static long? Duration(string text, string label, string field, Dictionary<string, string> errors)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            return null;
        }
        if (QueryParameters.TryDuration(text, field, out var duration, out _))
        {
            return duration.Ticks * 100;
        }
        errors[field] = $"{label} '{text}' is not a duration like 250ms or 1.5s";
        return null;
    }

    /// <summary>"5m", "1h", "7d": whole minutes, hours or days, as the URL carries the time range.</summary>
    public static string FormatLookback(TimeSpan lookback) => lookback switch
    {
        { TotalDays: >= 1 } when lookback.TotalDays % 1 == 0 => $"{lookback.TotalDays:0}d",
        { TotalHours: >= 1 } when lookback.TotalHours % 1 == 0 => $"{lookback.TotalHours:0}h",
        _ => $"{Math.Max(1, Math.Round(lookback.TotalMinutes)):0}m",
    };

    /// <summary>Up to 30 days: a search further back reads more than retention usually keeps.</summary>
    public static bool TryParseLookback(string text, out TimeSpan lookback)
    {
        lookback = default;
        if (text.Length < 2 || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            return false;
        }
        // Bounded before a TimeSpan is made of it: a huge count would overflow.
        (lookback, var max) = text[^1] switch
        {
            'm' => (TimeSpan.FromMinutes(Math.Min(count, 30 * 24 * 60 + 1)), 30 * 24 * 60),
            'h' => (TimeSpan.FromHours(Math.Min(count, 30 * 24 + 1)), 30 * 24),
            'd' => (TimeSpan.FromDays(Math.Min(count, 31)), 30),
            _ => (TimeSpan.Zero, 0),
        };
        return count <= max;
    }
}

/// <summary>A parsed <see cref="TraceQuery"/>: the search, or why not, by field.</summary>
public sealed record TraceQueryParse(TraceSearch? Search, IReadOnlyDictionary<string, string> Errors);

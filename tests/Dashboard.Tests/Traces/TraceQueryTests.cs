using Observability.Dashboard.Traces;

namespace Observability.Dashboard.Tests.Traces;

public sealed class TraceQueryTests
{
    private static readonly long Now = (TraceData.Now - DateTimeOffset.UnixEpoch).Ticks * 100;

    [Fact]
    public void A_valid_search_becomes_the_stores_search_over_the_window_ending_now()
    {
        var query = new TraceQuery
        {
            Service = "payments", Operation = "charge card", Tags = "http.status_code=500 error=true",
            MinDuration = "250ms", MaxDuration = "1.5s", Lookback = "15m", Limit = "50",
        };

        var parsed = query.Parse(Now);

        Assert.Empty(parsed.Errors);
        var search = parsed.Search!;
        Assert.Equal("payments", search.ServiceName);
        Assert.Equal("charge card", search.OperationName);
        Assert.Equal([new("http.status_code", "500"), new("error", "true")], search.Tags);
        Assert.Equal(250_000_000, search.MinDurationNanos);
        Assert.Equal(1_500_000_000, search.MaxDurationNanos);
        Assert.Equal(Now - 15 * 60_000_000_000L, search.StartFromUnixNanos);
        Assert.Equal(Now, search.StartToUnixNanos);
        Assert.Equal(50, search.Limit);
    }

    [Fact]
    public void All_operations_and_no_filters_search_the_whole_service()
    {
        var search = new TraceQuery { Service = "payments" }.Parse(Now).Search!;

        Assert.Null(search.OperationName);
        Assert.Empty(search.Tags);
        Assert.Null(search.MinDurationNanos);
        Assert.Null(search.MaxDurationNanos);
        Assert.Equal(Now - 3_600_000_000_000L, search.StartFromUnixNanos);
        Assert.Equal(TraceQuery.DefaultLimit, search.Limit);
    }

    [Theory]
    [InlineData(TraceQuery.MinDurationField, "Min duration '12x' is not a duration like 250ms or 1.5s")]
    [InlineData(TraceQuery.MaxDurationField, "Max duration 'soon' is not a duration like 250ms or 1.5s")]
    [InlineData(TraceQuery.TagsField, "Tags: 'error' is not key=value; use e.g. http.status_code=500 error=true, or a JSON object")]
    [InlineData(TraceQuery.LimitField, "Limit '0' is not a whole number from 1 to 1500")]
    [InlineData(TraceQuery.LookbackField, "Time range '2w' is not a window like 15m, 1h or 7d")]
    public void Each_bad_field_gets_a_message_naming_it_and_the_search_does_not_run(string field, string message)
    {
        var query = new TraceQuery { Service = "payments", MinDuration = "12x", MaxDuration = "soon", Tags = "error", Limit = "0", Lookback = "2w" };

        var parsed = query.Parse(Now);

        Assert.Null(parsed.Search);
        Assert.Equal(message, parsed.Errors[field]);
    }

    [Fact]
    public void A_service_is_required_and_max_may_not_be_below_min()
    {
        var parsed = new TraceQuery { MinDuration = "2s", MaxDuration = "500ms" }.Parse(Now);

        Assert.Equal("Choose a service: a search looks at one service's spans", parsed.Errors[TraceQuery.ServiceField]);
        Assert.Equal("Max duration 500ms is less than min duration 2s", parsed.Errors[TraceQuery.MaxDurationField]);
    }

    [Theory]
    [InlineData("99999999d")]
    [InlineData("31d")]
    [InlineData("0m")]
    [InlineData("h")]
    [InlineData("-1h")]
    public void A_time_range_beyond_30_days_or_not_a_count_is_refused(string lookback) =>
        Assert.False(TraceQuery.TryParseLookback(lookback, out _));

    [Fact]
    public void The_url_carries_every_field_escaped_and_leaves_out_empty_ones()
    {
        var query = new TraceQuery { Service = "web/api", Tags = "http.route=\"/orders/{id}\" error=true", MinDuration = "250ms", Lookback = "6h" };

        Assert.Equal("traces?service=web%2Fapi&tags=http.route%3D%22%2Forders%2F%7Bid%7D%22%20error%3Dtrue&minDuration=250ms&lookback=6h&limit=20",
            query.ToRelativeUrl());
    }

    [Theory]
    [InlineData(5, "5m")]
    [InlineData(60, "1h")]
    [InlineData(1440, "1d")]
    [InlineData(10080, "7d")]
    public void Time_ranges_of_the_picker_round_trip_through_the_url(int minutes, string text)
    {
        Assert.Equal(text, TraceQuery.FormatLookback(TimeSpan.FromMinutes(minutes)));
        Assert.True(TraceQuery.TryParseLookback(text, out var parsed));
        Assert.Equal(TimeSpan.FromMinutes(minutes), parsed);
    }
}

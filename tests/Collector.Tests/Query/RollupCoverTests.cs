using Observability.Collector.Query;
using Observability.Core.Rollups;

namespace Observability.Collector.Tests.Query;

public sealed class RollupCoverTests
{
    private static long Nanos(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * 100;

    [Fact]
    public void An_unaligned_window_is_covered_once_by_the_coarsest_buckets_that_fit()
    {
        var from = new DateTimeOffset(2026, 11, 20, 10, 58, 25, TimeSpan.Zero);
        var to = new DateTimeOffset(2026, 11, 20, 13, 1, 35, TimeSpan.Zero);

        var segments = RollupCover.Segments(Nanos(from), Nanos(to));

        Assert.Equal(
        [
            (SpanRollupResolutions.TenSeconds, "10:58:20", "10:59:00"),
            (SpanRollupResolutions.OneMinute, "10:59:00", "11:00:00"),
            (SpanRollupResolutions.OneHour, "11:00:00", "13:00:00"),
            (SpanRollupResolutions.OneMinute, "13:00:00", "13:01:00"),
            (SpanRollupResolutions.TenSeconds, "13:01:00", "13:01:40"),
        ], segments.Select(s => (s.Resolution, Clock(s.FromUnixNanos), Clock(s.ToUnixNanos))));
    }

    [Fact]
    public void A_short_window_uses_ten_second_buckets_only()
    {
        var from = new DateTimeOffset(2026, 11, 20, 10, 0, 5, TimeSpan.Zero);

        var segment = Assert.Single(RollupCover.Segments(Nanos(from), Nanos(from.AddSeconds(40))));

        Assert.Equal(SpanRollupResolutions.TenSeconds, segment.Resolution);
        Assert.Equal("10:00:00", Clock(segment.FromUnixNanos));
        Assert.Equal("10:00:50", Clock(segment.ToUnixNanos));
    }

    [Theory]
    [InlineData(10, "span_rollups_10s")]
    [InlineData(30, "span_rollups_10s")]
    [InlineData(120, "span_rollups_1m")]
    [InlineData(7200, "span_rollups_1h")]
    public void A_step_reads_the_coarsest_rollup_that_divides_it(int seconds, string table)
    {
        Assert.Equal(table, RollupCover.ResolutionForStep(TimeSpan.FromSeconds(seconds))?.Table);
    }

    private static string Clock(long unixNanos) => DateTimeOffset.UnixEpoch.AddTicks(unixNanos / 100).ToString("HH:mm:ss");
}

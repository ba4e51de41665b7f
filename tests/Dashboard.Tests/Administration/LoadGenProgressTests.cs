using Observability.Dashboard.Administration.LoadTests;

namespace Observability.Dashboard.Tests.Administration;

/// <summary>The load generator's lines as its ProgressLine writes them, read back.</summary>
public sealed class LoadGenProgressTests
{
    [Fact]
    public void Reads_users_rate_p99_and_errors_from_a_progress_line()
    {
        var progress = LoadGenProgress.TryParse("users 1000/1000  req/s 312.4  p99 87 ms  errors 0.1% (5xx 3, 4xx 0, timeouts 0, refused 0, closed 0, other 0)");

        Assert.Equal((1000, 1000, 312.4, "87 ms", 0.1), (progress!.ActiveUsers, progress.TargetUsers, progress.RequestsPerSecond, progress.P99, progress.ErrorPercent));
    }

    [Fact]
    public void Reads_a_p99_without_answers_and_below_ten_ms()
    {
        Assert.Equal("- ms", LoadGenProgress.TryParse("users 5/10  req/s 0.0  p99 - ms  errors 0.0% (5xx 0)")!.P99);
        Assert.Equal("4.2 ms", LoadGenProgress.TryParse("users 5/10  req/s 20.0  p99 4.2 ms  errors 0.0% (5xx 0)")!.P99);
    }

    [Theory]
    [InlineData("loadgen: 100 users against http://localhost:5080/ for 1m 00s, think time 3.0 s, seed 7")]
    [InlineData("summary  ran 1m 00s  peak users 300  requests 5400  req/s 90.0  p50 12 ms")]
    [InlineData("")]
    public void Other_lines_are_not_progress(string line)
    {
        Assert.Null(LoadGenProgress.TryParse(line));
    }
}

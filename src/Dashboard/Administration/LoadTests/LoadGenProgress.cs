using System.Globalization;
using System.Text.RegularExpressions;

namespace Observability.Dashboard.Administration.LoadTests;

/// <summary>
/// One progress line of the sample workload's load generator, read back from its text: "users 1000/1000  req/s 312.4  p99 87 ms
/// errors 0.1% (5xx 3, ...)". Rates, p99 and errors cover the last interval only.
/// </summary>
public sealed partial record LoadGenProgress(int ActiveUsers, int TargetUsers, double RequestsPerSecond, string P99, double ErrorPercent, string Line)
{
    public static LoadGenProgress? TryParse(string line)
    {
        var match = ProgressPattern().Match(line);
        if (!match.Success)
        {
            return null;
        }
        return new LoadGenProgress(
            int.Parse(match.Groups["active"].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups["target"].Value, CultureInfo.InvariantCulture),
            double.Parse(match.Groups["rate"].Value, CultureInfo.InvariantCulture),
            match.Groups["p99"].Value,
            double.Parse(match.Groups["errors"].Value, CultureInfo.InvariantCulture),
            line);
    }

    /// <summary>The load generator's last line, "summary  ran 1m 00s  peak users 300  requests ...", or null for any other line.</summary>
    public static LoadGenSummary? TryParseSummary(string line)
    {
        var match = SummaryPattern().Match(line);
        return match.Success
            ? new LoadGenSummary(int.Parse(match.Groups["peak"].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups["requests"].Value, CultureInfo.InvariantCulture), line)
            : null;
    }

    [GeneratedRegex(@"^users (?<active>\d+)/(?<target>\d+)\s+req/s (?<rate>[\d.]+)\s+p99 (?<p99>[-\d.]+ ms)\s+errors (?<errors>[\d.]+)%", RegexOptions.CultureInvariant)]
    private static partial Regex ProgressPattern();

    [GeneratedRegex(@"^summary\s+ran .+?\s+peak users (?<peak>\d+)\s+requests (?<requests>\d+)\s", RegexOptions.CultureInvariant)]
    private static partial Regex SummaryPattern();
}

/// <summary>The load generator's summary of a whole run: the most users it held, how many requests, and the line itself.</summary>
public sealed record LoadGenSummary(int PeakUsers, long Requests, string Line);

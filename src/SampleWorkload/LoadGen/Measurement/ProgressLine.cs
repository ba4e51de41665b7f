using System.Globalization;
using System.Text;
using Observability.SampleWorkload.LoadGen.Options;

namespace Observability.SampleWorkload.LoadGen.Measurement;

/// <summary>
/// The text the load generator prints: a progress line per interval and a summary at the end, e.g.
/// "users 1000/1000  req/s 312.4  p99 87 ms  errors 0.1% (5xx 3, 4xx 0, timeouts 0, refused 0, closed 0, other 0)".
/// Rates, p99 and errors in a progress line cover the last interval only, so a fault shows up at once.
/// </summary>
internal static class ProgressLine
{
    public static string Format(int activeUsers, int targetUsers, LoadSnapshot interval, TimeSpan intervalDuration)
    {
        var text = new StringBuilder(128);
        text.Append(CultureInfo.InvariantCulture, $"users {activeUsers}/{targetUsers}  ");
        AppendRates(text, interval, intervalDuration);
        return text.ToString();
    }

    /// <summary>"summary  ran 2m 00s  peak users 10000  requests 398812  req/s 3323.4  p50 .. p90 .. p99 .. max ..  errors ...".</summary>
    public static string FormatSummary(TimeSpan elapsed, int peakUsers, LoadSnapshot total)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        var text = new StringBuilder(256);
        text.Append(CultureInfo.InvariantCulture, $"summary  ran {DurationText.Format(elapsed)}  peak users {peakUsers}  requests {total.Requests}  req/s {total.Requests / seconds:0.0}  ");
        text.Append(CultureInfo.InvariantCulture, $"p50 {Milliseconds(total.LatencyMicrosecondsAt(50))}  p90 {Milliseconds(total.LatencyMicrosecondsAt(90))}  ");
        text.Append(CultureInfo.InvariantCulture, $"p99 {Milliseconds(total.LatencyMicrosecondsAt(99))}  max {Milliseconds(total.LatencyMicrosecondsAt(100))}  ");
        AppendErrors(text, total);
        return text.ToString();
    }

    private static void AppendRates(StringBuilder text, LoadSnapshot counts, TimeSpan duration)
    {
        var seconds = Math.Max(duration.TotalSeconds, 0.001);
        text.Append(CultureInfo.InvariantCulture, $"req/s {counts.Requests / seconds:0.0}  p99 {Milliseconds(counts.LatencyMicrosecondsAt(99))}  ");
        AppendErrors(text, counts);
    }

    private static void AppendErrors(StringBuilder text, LoadSnapshot counts)
    {
        var errorPercent = counts.Requests == 0 ? 0 : 100.0 * counts.Errors / counts.Requests;
        text.Append(CultureInfo.InvariantCulture, $"errors {errorPercent:0.0}% (5xx {counts[RequestOutcome.ServerError]}, 4xx {counts[RequestOutcome.ClientError]}, ");
        text.Append(CultureInfo.InvariantCulture, $"timeouts {counts[RequestOutcome.Timeout]}, refused {counts[RequestOutcome.Refused]}, ");
        text.Append(CultureInfo.InvariantCulture, $"closed {counts[RequestOutcome.Closed]}, other {counts[RequestOutcome.Other]})");
    }

    /// <summary>"87 ms", "4.2 ms" below 10 ms, "- ms" when no request got an answer.</summary>
    private static string Milliseconds(long? microseconds) => microseconds switch
    {
        null => "- ms",
        < 10_000 => (microseconds.Value / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + " ms",
        _ => (microseconds.Value / 1000).ToString(CultureInfo.InvariantCulture) + " ms",
    };
}

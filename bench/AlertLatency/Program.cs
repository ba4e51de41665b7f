using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Observability.Bench.AlertLatency;

// Detection latency of alerting pipelines: injects `errors` faults into the sample workload, one after another, and
// times each webhook receiver path's first firing and first resolved notification against the fault's start and end.
// Every pipeline under test posts its webhooks to http://127.0.0.1:<port>/<name>.
var options = LatencyOptions.Parse(args);
var received = new ConcurrentQueue<ReceivedWebhook>();

var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseUrls($"http://127.0.0.1:{options.ReceiverPort}");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var app = builder.Build();
app.MapPost("/{source}", async (string source, HttpRequest request) =>
{
    var at = DateTimeOffset.UtcNow;
    using var body = await JsonDocument.ParseAsync(request.Body);
    var root = body.RootElement;
    var status = root.TryGetProperty("status", out var s) ? s.GetString() ?? "" : "";
    var alertNames = root.TryGetProperty("alerts", out var alerts)
        ? alerts.EnumerateArray().Select(a => a.GetProperty("labels").TryGetProperty("alertname", out var n) ? n.GetString() : null).OfType<string>().Distinct().ToArray()
        : [];
    // Only the rule under test counts: other alerts (a latency page under load) say nothing about this detection.
    if (alertNames.Contains(options.AlertName))
    {
        received.Enqueue(new ReceivedWebhook(source, at, status, alertNames, request.Headers.ContainsKey("X-Observability-Signature")));
    }
    return Results.Ok();
});
await app.StartAsync();
Console.WriteLine($"receiving webhooks on http://127.0.0.1:{options.ReceiverPort}/<source>; sources expected: {string.Join(", ", options.Sources)}");

using var http = new HttpClient { BaseAddress = options.Gateway, Timeout = TimeSpan.FromSeconds(30) };
var faults = new List<FaultTimes>();
for (var i = 1; i <= options.Faults; i++)
{
    // A fault starts only once every pipeline has gone quiet: nothing firing from the previous one.
    await WaitQuietAsync(received, options, TimeSpan.FromSeconds(options.GapSeconds));
    using var response = await http.PostAsJsonAsync("/faults", new { kind = "errors", durationSeconds = options.FaultSeconds, magnitude = options.Magnitude, target = options.Target });
    response.EnsureSuccessStatusCode();
    using var fault = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    var startedAt = fault.RootElement.GetProperty("startedAt").GetDateTimeOffset();
    var endsAt = fault.RootElement.GetProperty("endsAt").GetDateTimeOffset();
    faults.Add(new FaultTimes(i, startedAt, endsAt));
    Console.WriteLine($"fault {i}/{options.Faults} from {startedAt:HH:mm:ss.fff} to {endsAt:HH:mm:ss.fff}");
    await Task.Delay(endsAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
}
// The last fault's resolved notifications.
await WaitQuietAsync(received, options, TimeSpan.FromSeconds(options.GapSeconds));
await app.StopAsync();

var report = LatencyReport.Build(options, faults, [.. received]);
Console.WriteLine(report);
if (options.Output is { } output)
{
    await File.WriteAllTextAsync(output, report, Encoding.UTF8);
}
return 0;

static async Task WaitQuietAsync(ConcurrentQueue<ReceivedWebhook> received, LatencyOptions options, TimeSpan gap)
{
    var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(10);
    while (DateTimeOffset.UtcNow < deadline)
    {
        var quiet = options.Sources.All(source =>
            received.Where(r => r.Source == source).OrderBy(r => r.At).LastOrDefault() is not { Status: "firing" });
        var last = received.Select(r => r.At).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
        if (quiet && DateTimeOffset.UtcNow - last >= gap)
        {
            return;
        }
        await Task.Delay(TimeSpan.FromSeconds(1));
    }
    Console.WriteLine("warning: a pipeline was still firing after 10 minutes; starting the next fault anyway");
}

namespace Observability.Bench.AlertLatency
{
    internal sealed record ReceivedWebhook(string Source, DateTimeOffset At, string Status, string[] AlertNames, bool Signed);

    internal sealed record FaultTimes(int Number, DateTimeOffset StartedAt, DateTimeOffset EndsAt);

    internal sealed record LatencyOptions(Uri Gateway, int Faults, int FaultSeconds, int GapSeconds, double Magnitude, string? Target, int ReceiverPort, string[] Sources, string? Output, string AlertName)
    {
        public static LatencyOptions Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                values[args[i]] = args[i + 1];
            }
            int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
            return new LatencyOptions(
                new Uri(values.GetValueOrDefault("--gateway", "http://127.0.0.1:5080")),
                Int("--faults", 20), Int("--fault-seconds", 60), Int("--gap-seconds", 45),
                values.TryGetValue("--magnitude", out var m) ? double.Parse(m, CultureInfo.InvariantCulture) : 0.5,
                values.GetValueOrDefault("--target"),
                Int("--receiver-port", 9099),
                values.GetValueOrDefault("--sources", "observability").Split(',', StringSplitOptions.RemoveEmptyEntries),
                values.GetValueOrDefault("--output"),
                values.GetValueOrDefault("--alert", "HighErrorRatio"));
        }
    }

    internal static class LatencyReport
    {
        public static string Build(LatencyOptions options, IReadOnlyList<FaultTimes> faults, IReadOnlyList<ReceivedWebhook> received)
        {
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"{faults.Count} `errors` faults of {options.FaultSeconds} s (magnitude {options.Magnitude}), {options.GapSeconds} s quiet between them.");
            text.AppendLine();
            text.AppendLine("| pipeline | detected | firing p50 | firing p95 | firing max | resolved p50 | resolved p95 | signed |");
            text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
            var perFault = new StringBuilder();
            foreach (var source in options.Sources)
            {
                var firing = new List<double>();
                var resolved = new List<double>();
                foreach (var fault in faults)
                {
                    var next = faults.FirstOrDefault(f => f.Number == fault.Number + 1)?.StartedAt ?? DateTimeOffset.MaxValue;
                    var mine = received.Where(r => r.Source == source && r.At >= fault.StartedAt && r.At < next).OrderBy(r => r.At).ToList();
                    if (mine.FirstOrDefault(r => r.Status == "firing") is { } fired)
                    {
                        firing.Add((fired.At - fault.StartedAt).TotalSeconds);
                    }
                    if (mine.FirstOrDefault(r => r.Status == "resolved" && r.At >= fault.EndsAt) is { } cleared)
                    {
                        resolved.Add((cleared.At - fault.EndsAt).TotalSeconds);
                    }
                    perFault.AppendLine(CultureInfo.InvariantCulture,
                        $"{source} fault {fault.Number}: firing {Seconds(mine.FirstOrDefault(r => r.Status == "firing")?.At - fault.StartedAt)}, resolved {Seconds(mine.FirstOrDefault(r => r.Status == "resolved" && r.At >= fault.EndsAt)?.At - fault.EndsAt)} after the end");
                }
                var signed = received.Where(r => r.Source == source).All(r => r.Signed) && received.Any(r => r.Source == source) ? "yes" : "no";
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {source} | {firing.Count}/{faults.Count} | {Quantile(firing, 0.5)} | {Quantile(firing, 0.95)} | {Quantile(firing, 1)} | {Quantile(resolved, 0.5)} | {Quantile(resolved, 0.95)} | {signed} |");
            }
            text.AppendLine();
            text.Append(perFault);
            return text.ToString();
        }

        private static string Seconds(TimeSpan? value) => value is { } v ? $"{v.TotalSeconds:0.0} s" : "none";

        /// <summary>Nearest rank, as a user reading "p95 of 20 faults" expects: the 19th of 20.</summary>
        private static string Quantile(List<double> values, double q)
        {
            if (values.Count == 0)
            {
                return "n/a";
            }
            var sorted = values.Order().ToList();
            var rank = (int)Math.Ceiling(q * sorted.Count);
            return $"{sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)]:0.0} s";
        }
    }
}

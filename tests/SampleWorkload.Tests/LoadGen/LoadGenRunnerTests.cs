using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Observability.SampleWorkload.LoadGen;
using Observability.SampleWorkload.LoadGen.Measurement;
using Observability.SampleWorkload.LoadGen.Telemetry;
using Observability.SampleWorkload.Shared;
using Observability.Tests.Shared;

namespace Observability.SampleWorkload.Tests.LoadGen;

/// <summary>
/// The load generator in process against a fake storefront on loopback. One class, so its runs take turns: they
/// share the machine's two cores, and the metrics test listens to every load generator meter in the process.
/// </summary>
public sealed partial class LoadGenRunnerTests
{
    private const string Password = "test-password-7f3a";
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Concurrency_reaches_the_target_and_holds_it_with_every_request_answered()
    {
        await using var fake = await FakeStorefront.StartAsync(Password);
        await using var run = LoadGenRun.Start(fake.BaseAddress, Password, "--users", "200", "--think-time", "200ms");

        await run.WaitUntilAsync(() => fake.DistinctUsersWithin(TimeSpan.FromSeconds(3)) == 200, s_deadline, "200 distinct users active at the storefront");
        var holding = Stopwatch.StartNew();
        while (holding.Elapsed < TimeSpan.FromSeconds(2))
        {
            Assert.Equal(200, run.Runner.ActiveUsers);
            Assert.Equal(200, fake.DistinctUsersWithin(TimeSpan.FromSeconds(3)));
            await Task.Delay(250);
        }
        var summary = await run.StopAsync();

        Assert.Equal(200, summary.PeakUsers);
        Assert.Equal(0, run.Runner.ActiveUsers);
        // Every request hit an endpoint of the API with a valid session and valid input: the fake answers 401, 400 or 404 otherwise.
        Assert.Equal(0, summary.Total.Errors);
        Assert.All(fake.Requests, request => Assert.InRange(request.StatusCode, 200, 299));
        Assert.All(fake.Requests, request => Assert.Null(request.Region));
        // A session is more than signing in: every kind of step shows up.
        var paths = fake.Requests.Select(request => $"{request.Method} {Regex.Replace(request.Path, @"[?/]\d.*|\?.*", "")}").ToHashSet();
        Assert.Superset(
            new HashSet<string> { "POST /api/login", "GET /api/categories", "GET /api/products", "GET /api/search", "POST /api/cart/items", "GET /api/cart", "POST /api/checkout" },
            paths);
        Assert.Empty(run.Errors);
    }

    [Fact]
    public async Task A_ramp_adds_users_gradually_up_to_its_end()
    {
        await using var fake = await FakeStorefront.StartAsync(Password);
        var started = Stopwatch.StartNew();
        await using var run = LoadGenRun.Start(fake.BaseAddress, Password, "--ramp", "10:150/3s", "--think-time", "100ms");
        var samples = new List<(TimeSpan At, int Users)>();
        await run.WaitUntilAsync(() =>
        {
            samples.Add((started.Elapsed, run.Runner.ActiveUsers));
            return samples[^1].Users == 150;
        }, s_deadline, "150 users");

        var users = samples.Select(sample => sample.Users).ToArray();
        Assert.Equal(users.Order(), users);
        Assert.InRange(users.First(sample => sample > 0), 10, 60);
        Assert.Contains(users, count => count is > 50 and < 110);
        Assert.True(samples[^1].At >= TimeSpan.FromSeconds(2.5), $"the ramp reached 150 users after {samples[^1].At.TotalSeconds:0.0} s, not about 3 s");
        await run.WaitUntilAsync(() => fake.DistinctUsersWithin(TimeSpan.FromSeconds(2)) == 150, s_deadline, "150 users active at the storefront");
    }

    [Fact]
    public async Task A_ramp_down_stops_users_until_the_lower_count_is_left()
    {
        await using var fake = await FakeStorefront.StartAsync(Password);
        await using var run = LoadGenRun.Start(fake.BaseAddress, Password, "--ramp", "60:10/1500ms", "--think-time", "100ms");
        await run.WaitUntilAsync(() => fake.DistinctUsersWithin(TimeSpan.FromSeconds(1)) >= 50, s_deadline, "50 users active at the storefront");
        await run.WaitUntilAsync(() => run.Runner.ActiveUsers == 10, s_deadline, "10 users left");

        // Stopped users send nothing more: within a little while only the remaining ten are heard from.
        await run.WaitUntilAsync(() => fake.DistinctUsersWithin(TimeSpan.FromSeconds(1)) == 10, s_deadline, "only 10 users active at the storefront");
        var summary = await run.StopAsync();
        Assert.Equal(60, summary.PeakUsers);
        Assert.Equal(0, summary.Total.Errors);
    }

    [Fact]
    public async Task The_same_seed_makes_the_same_users_take_the_same_steps()
    {
        var first = await FirstStepsOfEachUser("7");
        var again = await FirstStepsOfEachUser("7");
        var other = await FirstStepsOfEachUser("8");

        Assert.Equal(first.Keys.Order(), again.Keys.Order());
        Assert.All(first, user => Assert.Equal(user.Value, again[user.Key]));
        Assert.Empty(first.Keys.Intersect(other.Keys));

        static async Task<Dictionary<string, string[]>> FirstStepsOfEachUser(string seed)
        {
            await using var fake = await FakeStorefront.StartAsync(Password);
            await using var run = LoadGenRun.Start(fake.BaseAddress, Password, "--users", "5", "--think-time", "20ms", "--seed", seed);
            await run.WaitUntilAsync(
                () => fake.Requests.Where(request => request.User is not null).GroupBy(request => request.User).Count(steps => steps.Count() >= 12) == 5,
                s_deadline,
                "12 steps from each of 5 users");
            await run.StopAsync();
            return fake.Requests.Where(request => request.User is not null).GroupBy(request => request.User!).ToDictionary(
                steps => steps.Key,
                steps => steps.OrderBy(request => request.Timestamp).Take(12).Select(request => $"{request.Method} {request.Path}").ToArray());
        }
    }

    [Fact]
    public async Task Think_time_spreads_each_users_requests_exponentially_around_the_mean()
    {
        await using var fake = await FakeStorefront.StartAsync(Password);
        await using var run = LoadGenRun.Start(fake.BaseAddress, Password, "--users", "40", "--think-time", "400ms");
        await run.WaitUntilAsync(() => fake.Requests.Count >= 600, s_deadline, "600 requests");
        await run.StopAsync();

        var gapsSeconds = fake.Requests
            .Where(request => request.User is not null)
            .GroupBy(request => request.User)
            .SelectMany(requests => requests.Select(request => request.Timestamp).Order().Pairwise((earlier, later) => (later - earlier) / (double)Stopwatch.Frequency))
            .ToArray();
        var mean = gapsSeconds.Average();
        var deviation = Math.Sqrt(gapsSeconds.Average(gap => (gap - mean) * (gap - mean)));
        // Mean think time plus a fast answer; an exponential distribution's deviation equals its mean, a fixed pause's is 0.
        Assert.InRange(mean, 0.3, 0.6);
        Assert.InRange(deviation / mean, 0.6, 1.4);
        Assert.True(gapsSeconds.Count(gap => gap < 0.1) > gapsSeconds.Length / 20, "short pauses are as common as an exponential distribution makes them");
    }

    [Fact]
    public async Task Errors_are_counted_by_kind()
    {
        await using var fake = await FakeStorefront.StartAsync(Password, path =>
            path.StartsWithSegments("/api/products") && path.Value!.Length > "/api/products/".Length ? FakeAnswer.ServerError
            : path.StartsWithSegments("/api/search") ? FakeAnswer.CloseConnection
            : path.StartsWithSegments("/api/categories") ? FakeAnswer.Hang
            : FakeAnswer.Normal);
        await using var run = LoadGenRun.Start(fake.BaseAddress, Password, "--users", "30", "--think-time", "50ms", "--timeout", "300ms", "--progress-interval", "200ms");
        await run.WaitUntilAsync(() =>
        {
            var counts = run.Runner.Statistics.Snapshot(0);
            return counts[RequestOutcome.ServerError] > 0 && counts[RequestOutcome.Closed] > 0 && counts[RequestOutcome.Timeout] > 0;
        }, s_deadline, "a 500, a closed connection and a timeout");
        var summary = await run.StopAsync();

        Assert.Equal(0, summary.Total[RequestOutcome.Refused]);
        Assert.Equal(0, summary.Total[RequestOutcome.Other]);
        Assert.Equal(0, summary.Total[RequestOutcome.ClientError]);
        // Each 500 the fake sent is counted once, but for those whose user was stopped before reading it (at most one per user).
        var served500 = fake.Requests.Count(request => request.StatusCode == 500);
        Assert.InRange(summary.Total[RequestOutcome.ServerError], served500 - 30, served500);
        var totals = SummaryLine().Match(run.OutputLines[^1]);
        Assert.True(totals.Success, run.OutputLines[^1]);
        Assert.Equal(summary.Total[RequestOutcome.ServerError].ToString(), totals.Groups["server"].Value);
        Assert.NotEqual("0", totals.Groups["timeouts"].Value);
        Assert.NotEqual("0", totals.Groups["closed"].Value);
        Assert.Contains(run.OutputLines, line => ProgressLinePattern().Match(line) is { Success: true } match && match.Groups["server"].Value != "0");
    }

    [Fact]
    public async Task A_target_that_refuses_connections_counts_refusals()
    {
        var closedPort = FreePort.Next();
        await using var run = LoadGenRun.Start(new Uri($"http://127.0.0.1:{closedPort}"), Password, "--users", "5", "--think-time", "50ms");
        await run.WaitUntilAsync(() => run.Runner.Statistics.Snapshot(0)[RequestOutcome.Refused] >= 10, s_deadline, "10 refused connections");
        var summary = await run.StopAsync();

        Assert.Equal(summary.Total.Requests, summary.Total[RequestOutcome.Refused]);
        Assert.Matches(@"errors 100\.0% \(5xx 0, 4xx 0, timeouts 0, refused [1-9]\d*, closed 0, other 0\)", run.OutputLines[^1]);
    }

    [Fact]
    public async Task Each_user_keeps_one_region_and_regions_are_shared_out_evenly()
    {
        await using var fake = await FakeStorefront.StartAsync(Password);
        await using var run = LoadGenRun.Start(fake.BaseAddress, Password, "--users", "30", "--think-time", "50ms", "--regions", "us-east,eu-west,ap-south");
        await run.WaitUntilAsync(() => fake.DistinctUsersWithin(TimeSpan.FromSeconds(5)) == 30, s_deadline, "30 users active");
        await run.StopAsync();

        Assert.All(fake.Requests, request => Assert.Contains(request.Region, new[] { "us-east", "eu-west", "ap-south" }));
        var regionOfUser = fake.Requests.Where(request => request.User is not null).GroupBy(request => request.User!).ToDictionary(
            requests => requests.Key,
            requests => Assert.Single(requests.Select(request => request.Region).Distinct()));
        Assert.Equal(30, regionOfUser.Count);
        Assert.All(regionOfUser.Values.GroupBy(region => region), users => Assert.Equal(10, users.Count()));
    }

    [Fact]
    public async Task Progress_lines_come_every_interval_in_the_documented_format()
    {
        await using var fake = await FakeStorefront.StartAsync(Password);
        await using var run = LoadGenRun.Start(fake.BaseAddress, Password, "--users", "20", "--think-time", "100ms", "--progress-interval", "250ms");
        var watch = Stopwatch.StartNew();
        await run.WaitUntilAsync(() => run.OutputLines.Length >= 8, s_deadline, "8 progress lines");
        var elapsed = watch.Elapsed;
        await run.StopAsync();

        var lines = run.OutputLines;
        Assert.InRange(elapsed.TotalSeconds, 1.6, 4);
        Assert.All(lines[..^1], line => Assert.Matches(ProgressLinePattern(), line));
        Assert.Contains(lines, line => line.StartsWith("users 20/20  req/s ", StringComparison.Ordinal) && !line.Contains("req/s 0.0", StringComparison.Ordinal));
        Assert.Matches(SummaryLine(), lines[^1]);
    }

    [Fact]
    public async Task Active_users_and_requests_are_exported_as_metrics()
    {
        var activeUsers = new List<long>();
        var requests = new List<(long Count, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == WorkloadTelemetry.SourceName && instrument.Name.StartsWith("loadgen.", StringComparison.Ordinal))
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            if (instrument.Name == LoadGenMetrics.VirtualUsersName)
            {
                lock (activeUsers)
                {
                    activeUsers.Add(value);
                }
            }
        });
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (requests)
            {
                requests.Add((value, tags.ToArray().ToDictionary(tag => tag.Key, tag => tag.Value)));
            }
        });
        listener.Start();

        await using var fake = await FakeStorefront.StartAsync(Password);
        await using var run = LoadGenRun.Start(fake.BaseAddress, Password, "--users", "25", "--think-time", "50ms");
        await run.WaitUntilAsync(() =>
        {
            listener.RecordObservableInstruments();
            lock (activeUsers)
            {
                return activeUsers.Contains(25) && fake.Requests.Count >= 100 && fake.Requests.Any(request => request.Path == "/api/checkout");
            }
        }, s_deadline, "25 active users observed, 100 requests and a checkout");
        await run.StopAsync();

        lock (requests)
        {
            Assert.True(requests.Sum(request => request.Count) >= 100);
            Assert.Contains(requests, request => Equals(request.Tags["loadgen.step"], "sign_in") && Equals(request.Tags["loadgen.outcome"], "ok") && Equals(request.Tags["http.response.status_code"], 200));
            Assert.Contains(requests, request => Equals(request.Tags["loadgen.step"], "checkout") && Equals(request.Tags["http.response.status_code"], 201));
        }
    }

    [Fact]
    public async Task The_host_runs_for_the_duration_and_ends_with_a_summary()
    {
        await using var fake = await FakeStorefront.StartAsync(Password);
        var output = new StringWriter();
        var errors = new StringWriter();
        var environment = new Dictionary<string, string> { ["WORKLOAD_USER_PASSWORD"] = Password };
        var exitCode = await LoadGenHost.RunAsync(
            ["--target", fake.BaseAddress.ToString(), "--users", "10", "--think-time", "100ms", "--duration", "1500ms", "--progress-interval", "500ms"],
            output, errors, environment.GetValueOrDefault, CancellationToken.None).WaitAsync(s_deadline);

        Assert.Equal(0, exitCode);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("loadgen: 10 users against " + fake.BaseAddress, lines[0]);
        Assert.Contains(lines, line => ProgressLinePattern().IsMatch(line));
        Assert.Matches(SummaryLine(), lines[^1]);
        Assert.Equal("", errors.ToString());
        Assert.InRange(fake.DistinctUsersWithin(TimeSpan.FromSeconds(30)), 10, 10);
    }

    [Fact]
    public async Task A_wrong_password_is_reported_once_and_counted_as_4xx()
    {
        await using var fake = await FakeStorefront.StartAsync(Password);
        await using var run = LoadGenRun.Start(fake.BaseAddress, "not-the-password", "--users", "10", "--think-time", "50ms");
        await run.WaitUntilAsync(() => run.Runner.Statistics.Snapshot(0)[RequestOutcome.ClientError] >= 20, s_deadline, "20 refused sign-ins");
        await run.StopAsync();

        var error = Assert.Single(run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("401", error);
        Assert.Contains("--user-password", error);
        Assert.All(fake.Requests, request => Assert.Equal("/api/login", request.Path));
    }

    [GeneratedRegex(@"^users \d+/\d+  req/s \d+\.\d  p99 (\d+(\.\d)?|-) ms  errors \d+\.\d% \(5xx (?<server>\d+), 4xx \d+, timeouts (?<timeouts>\d+), refused \d+, closed (?<closed>\d+), other \d+\)$")]
    private static partial Regex ProgressLinePattern();

    [GeneratedRegex(@"^summary  ran [\dhms .]+  peak users \d+  requests \d+  req/s \d+\.\d  p50 (\d+(\.\d)?|-) ms  p90 (\d+(\.\d)?|-) ms  p99 (\d+(\.\d)?|-) ms  max (\d+(\.\d)?|-) ms  errors \d+\.\d% \(5xx (?<server>\d+), 4xx \d+, timeouts (?<timeouts>\d+), refused \d+, closed (?<closed>\d+), other \d+\)$")]
    private static partial Regex SummaryLine();
}

internal static class PairwiseExtensions
{
    public static IEnumerable<TResult> Pairwise<T, TResult>(this IEnumerable<T> source, Func<T, T, TResult> combine)
    {
        using var items = source.GetEnumerator();
        if (!items.MoveNext())
        {
            yield break;
        }
        var previous = items.Current;
        while (items.MoveNext())
        {
            yield return combine(previous, items.Current);
            previous = items.Current;
        }
    }
}

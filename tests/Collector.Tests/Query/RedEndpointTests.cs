using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using Observability.Collector.Otlp.Proto.Collector.Trace.V1;
using Observability.Collector.Otlp.Proto.Common.V1;
using Observability.Collector.Otlp.Proto.Resource.V1;
using Observability.Collector.Otlp.Proto.Trace.V1;
using Observability.Collector.Tests.Infrastructure;
using Observability.Tests.Shared;

namespace Observability.Collector.Tests.Query;

/// <summary>
/// /api/red against spans of known durations: counts and error ratios are exact, percentiles are within the
/// sketch's 1% of the nearest-rank value of the very durations that were sent.
/// </summary>
public abstract class RedEndpointTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    protected abstract Task<TestStorage> CreateStorageAsync();

    private sealed record SentSpan(string Service, string Operation, Span.Types.SpanKind Kind, DateTimeOffset Start, double DurationMs, bool Error);

    [Fact]
    public async Task Per_step_rate_errors_and_percentiles_of_a_service_match_what_was_sent()
    {
        await using var fixture = await StartAsync();
        var random = new Random(7);
        var sent = new List<SentSpan>();
        // Three minutes of checkout traffic; minute 1 has a 20% error rate and a slow tail.
        for (var minute = 0; minute < 3; minute++)
        {
            for (var i = 0; i < 600; i++)
            {
                var slow = minute == 1 && i % 10 == 0;
                sent.Add(new SentSpan("checkout", i % 2 == 0 ? "POST /cart" : "GET /items", Span.Types.SpanKind.Server,
                    Noon.AddMinutes(minute).AddMilliseconds(i * 99), slow ? 800 + random.NextDouble() * 400 : 5 + random.NextDouble() * 45,
                    Error: minute == 1 && i % 5 == 0));
            }
        }
        // Client spans of the same service are not requests it served: left out by default.
        sent.Add(new SentSpan("checkout", "SELECT", Span.Types.SpanKind.Client, Noon.AddSeconds(5), 3, false));
        await fixture.SendAsync(sent);

        var red = await fixture.GetAsync($"/api/red?service=checkout&from={Noon.ToUnixTimeMilliseconds()}&to={Noon.AddMinutes(3).ToUnixTimeMilliseconds()}&step=1m");

        Assert.Equal("60s", red.GetProperty("step").GetString());
        var points = red.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(3, points.Count);
        for (var minute = 0; minute < 3; minute++)
        {
            var expected = sent.Where(s => s.Kind == Span.Types.SpanKind.Server && s.Start >= Noon.AddMinutes(minute) && s.Start < Noon.AddMinutes(minute + 1)).ToList();
            var point = points[minute];
            Assert.Equal(Noon.AddMinutes(minute), point.GetProperty("time").GetDateTimeOffset());
            Assert.Equal(expected.Count, point.GetProperty("requests").GetInt64());
            Assert.Equal(expected.Count(s => s.Error), point.GetProperty("errors").GetInt64());
            Assert.Equal(expected.Count / 60.0, point.GetProperty("requestRatePerSecond").GetDouble(), 9);
            Assert.Equal((double)expected.Count(s => s.Error) / expected.Count, point.GetProperty("errorRatio").GetDouble(), 9);
            AssertQuantile(expected, 0.50, point.GetProperty("p50Ms").GetDouble());
            AssertQuantile(expected, 0.99, point.GetProperty("p99Ms").GetDouble());
        }
        Assert.True(points[1].GetProperty("p99Ms").GetDouble() > 700, "the slow tail of minute 1 shows in its p99");
        Assert.Equal(JsonValueKind.Null, red.GetProperty("noData").ValueKind);
    }

    [Fact]
    public async Task One_operation_is_reported_alone()
    {
        await using var fixture = await StartAsync();
        var sent = Enumerable.Range(0, 200).Select(i => new SentSpan("checkout", i < 50 ? "POST /pay" : "GET /items",
            Span.Types.SpanKind.Server, Noon.AddSeconds(i % 60), 10 + i, Error: i < 5)).ToList();
        await fixture.SendAsync(sent);

        var red = await fixture.GetAsync($"/api/red?service=checkout&operation=POST%20/pay&from={Iso(Noon)}&to={Iso(Noon.AddMinutes(1))}&step=60s");

        var point = Assert.Single(red.GetProperty("points").EnumerateArray());
        Assert.Equal(50, point.GetProperty("requests").GetInt64());
        Assert.Equal(5, point.GetProperty("errors").GetInt64());
        AssertQuantile(sent.Take(50).ToList(), 0.95, point.GetProperty("p95Ms").GetDouble());
    }

    [Fact]
    public async Task Without_a_service_each_service_gets_one_row_for_an_unaligned_window()
    {
        await using var fixture = await StartAsync();
        // Spans every 10 s from 11:00 to 14:00, across hour, minute and 10-second rollup buckets.
        var sent = new List<SentSpan>();
        for (var at = Noon.AddHours(-1); at < Noon.AddHours(2); at = at.AddSeconds(10))
        {
            sent.Add(new SentSpan("checkout", "GET /", Span.Types.SpanKind.Server, at, 20, false));
            sent.Add(new SentSpan("payments", "charge", Span.Types.SpanKind.Consumer, at.AddSeconds(1), 100, at.Minute == 0));
        }
        await fixture.SendAsync(sent);
        var from = Noon.AddMinutes(-1).AddSeconds(-30);
        var to = Noon.AddHours(1).AddMinutes(2).AddSeconds(10);

        var red = await fixture.GetAsync($"/api/red?from={Iso(from)}&to={Iso(to)}");

        var services = red.GetProperty("services").EnumerateArray().ToDictionary(s => s.GetProperty("service").GetString()!, s => s.GetProperty("red"));
        Assert.Equal(["checkout", "payments"], services.Keys.Order());
        foreach (var (service, row) in services)
        {
            var expected = sent.Where(s => s.Service == service && s.Start >= from && s.Start < to).ToList();
            Assert.Equal(expected.Count, row.GetProperty("requests").GetInt64());
            Assert.Equal(expected.Count(s => s.Error), row.GetProperty("errors").GetInt64());
            AssertQuantile(expected, 0.99, row.GetProperty("p99Ms").GetDouble());
        }
    }

    [Fact]
    public async Task Rollups_written_by_separate_exports_merge()
    {
        await using var fixture = await StartAsync();
        var sent = Enumerable.Range(0, 90).Select(i => new SentSpan("checkout", "GET /", Span.Types.SpanKind.Server, Noon.AddSeconds(i % 10), i + 1, false)).ToList();
        foreach (var chunk in sent.Chunk(30))
        {
            await fixture.SendAsync(chunk);
        }

        var red = await fixture.GetAsync($"/api/red?service=checkout&from={Iso(Noon)}&to={Iso(Noon.AddSeconds(10))}&step=10s");

        var point = Assert.Single(red.GetProperty("points").EnumerateArray());
        Assert.Equal(90, point.GetProperty("requests").GetInt64());
        AssertQuantile(sent, 0.5, point.GetProperty("p50Ms").GetDouble());
    }

    [Fact]
    public async Task No_spans_in_the_window_says_so()
    {
        await using var fixture = await StartAsync();

        var red = await fixture.GetAsync($"/api/red?service=ghost&from={Iso(Noon)}&to={Iso(Noon.AddMinutes(5))}&step=1m");

        Assert.Equal(5, red.GetProperty("points").GetArrayLength());
        Assert.All(red.GetProperty("points").EnumerateArray(), point =>
        {
            Assert.Equal(0, point.GetProperty("requests").GetInt64());
            Assert.Equal(JsonValueKind.Null, point.GetProperty("p99Ms").ValueKind);
        });
        Assert.Contains("no server or consumer spans for service 'ghost'", red.GetProperty("noData").GetString());
    }

    [Theory]
    [InlineData("service=a&step=7s", "step '7s' must be a positive multiple of 10s")]
    [InlineData("service=a&step=soon", "step 'soon' is not a positive duration")]
    [InlineData("service=a&from=yesterday", "from 'yesterday' is not a time")]
    [InlineData("operation=GET", "operation needs service")]
    [InlineData("service=a&spanKind=sideways", "spanKind 'sideways' is not a span kind")]
    [InlineData("service=a&from=2026-11-20T12:00:00Z&to=2026-11-20T11:00:00Z", "must be before to")]
    [InlineData("service=a&from=2026-01-01T00:00:00Z&to=2026-11-20T00:00:00Z&step=10s", "more than 11000 points")]
    public async Task Bad_parameters_are_400_naming_the_parameter(string query, string expected)
    {
        await using var fixture = await StartAsync();

        using var response = await fixture.Client.GetAsync($"/api/red?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(expected, body.GetProperty("error").GetString());
    }

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("O"));

    /// <summary>Within the sketch's 1% of the nearest-rank quantile of the durations sent.</summary>
    private static void AssertQuantile(IReadOnlyList<SentSpan> spans, double q, double actual)
    {
        var sorted = spans.Select(s => s.DurationMs).Order().ToArray();
        var exact = sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Length) - 1)];
        Assert.True(Math.Abs(actual - exact) <= exact * 0.01, $"p{q * 100} was {actual} ms, exact {exact} ms");
    }

    private async Task<Fixture> StartAsync()
    {
        var storage = await CreateStorageAsync();
        return new Fixture(await CollectorHost.StartAsync(storage), storage);
    }

    private sealed class Fixture(CollectorHost host, TestStorage storage) : IAsyncDisposable
    {
        public HttpClient Client { get; } = new() { BaseAddress = new Uri(host.ApiUrl) };

        public async Task SendAsync(IEnumerable<SentSpan> spans)
        {
            var request = new ExportTraceServiceRequest();
            foreach (var byService in spans.GroupBy(s => s.Service))
            {
                var scopeSpans = new ScopeSpans();
                foreach (var span in byService)
                {
                    var start = (ulong)((span.Start - DateTimeOffset.UnixEpoch).Ticks * 100);
                    scopeSpans.Spans.Add(new Span
                    {
                        TraceId = ByteString.CopyFrom(TelemetryBuilder.NewTraceId()),
                        SpanId = ByteString.CopyFrom(TelemetryBuilder.NewSpanId()),
                        Name = span.Operation,
                        Kind = span.Kind,
                        StartTimeUnixNano = start,
                        EndTimeUnixNano = start + (ulong)Math.Round(span.DurationMs * 1_000_000),
                        Status = new Status { Code = span.Error ? Status.Types.StatusCode.Error : Status.Types.StatusCode.Unset },
                    });
                }
                request.ResourceSpans.Add(new ResourceSpans
                {
                    Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = byService.Key } } } },
                    ScopeSpans = { scopeSpans },
                });
            }
            using var http = new HttpClient();
            using var response = await http.PostAsync($"{host.HttpUrl}/v1/traces", OtlpRequests.Protobuf(request));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        public async Task<JsonElement> GetAsync(string path)
        {
            using var response = await Client.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
            return JsonDocument.Parse(body).RootElement.Clone();
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await host.DisposeAsync();
            storage.Dispose();
        }
    }
}

public sealed class SqliteRedEndpointTests : RedEndpointTests
{
    protected override Task<TestStorage> CreateStorageAsync() => Task.FromResult(TestStorage.Sqlite());
}

public sealed class PostgresRedEndpointTests(PostgresServer server) : RedEndpointTests, IClassFixture<PostgresServer>
{
    protected override Task<TestStorage> CreateStorageAsync() => TestStorage.PostgresAsync(server);
}

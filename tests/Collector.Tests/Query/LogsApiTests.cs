using System.Net;
using System.Text.Json;
using Google.Protobuf;
using Observability.Collector.Otlp.Proto.Common.V1;
using Observability.Collector.Otlp.Proto.Logs.V1;
using Observability.Collector.Tests.Infrastructure;
using Observability.Core.Telemetry;
using LogRecord = Observability.Collector.Otlp.Proto.Logs.V1.LogRecord;
using Observability.Tests.Shared;
using static Observability.Collector.Tests.Query.QueryRequests;

namespace Observability.Collector.Tests.Query;

/// <summary>/api/logs: every filter, newest first, the limit, and each record in full with its body decoded.</summary>
public abstract class LogsApiTests
{
    private static readonly long T0 = TelemetryBuilder.BaseTimeUnixNanos;
    private const long Millisecond = 1_000_000;

    protected abstract Task<TestStorage> CreateStorageAsync();

    private static LogRecord Log(long offsetMillis, SeverityNumber severity, AnyValue body, params KeyValue[] attributes) => new()
    {
        TimeUnixNano = (ulong)(T0 + offsetMillis * Millisecond),
        ObservedTimeUnixNano = (ulong)(T0 + offsetMillis * Millisecond + 5),
        SeverityNumber = severity,
        SeverityText = severity.ToString().Replace("SeverityNumber", "").ToUpperInvariant(),
        Body = body,
        Attributes = { attributes },
    };

    [Fact]
    public async Task Logs_are_filtered_by_each_parameter_newest_first()
    {
        var storage = await CreateStorageAsync();
        using var _ = storage;
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);
        var traceId = TelemetryBuilder.NewTraceId();
        var spanId = TelemetryBuilder.NewSpanId();
        var traced = Log(3, SeverityNumber.Error, new AnyValue { StringValue = "Payment FAILED for order 42" }, Attribute("order.id", 42));
        traced.TraceId = ByteString.CopyFrom(traceId);
        traced.SpanId = ByteString.CopyFrom(spanId);
        traced.EventName = "payment.failed";
        var structured = Log(4, SeverityNumber.Warn, new AnyValue
        {
            KvlistValue = new KeyValueList { Values = { Attribute("message", "card declined"), Attribute("$ref", "x"), Attribute("raw", new byte[] { 1, 2, 3 }) } },
        }, Attribute("customer", "ACME Corp"));
        await client.ExportAsync(Logs("shop",
            Log(1, SeverityNumber.Debug, new AnyValue { StringValue = "cache warmed" }),
            Log(2, SeverityNumber.Info, new AnyValue { StringValue = "order 42 placed" }, Attribute("ratio", 0.5)),
            traced,
            Log(-3_600_001, SeverityNumber.Fatal, new AnyValue { StringValue = "long ago" })), OtlpTransport.Grpc);
        await client.ExportAsync(Logs("billing", structured, Log(5, SeverityNumber.Fatal2, new AnyValue { IntValue = 7 })), OtlpTransport.Http);

        var window = $"from={QueryHttp.Escape("2026-11-20T12:00:00Z")}&to={T0 / Millisecond + 1000}";
        async Task<List<long>> SearchAsync(string parameters)
        {
            var body = await QueryHttp.GetOkAsync(host, $"/api/logs?{window}&{parameters}");
            return body.GetProperty("logs").EnumerateArray()
                .Select(l => (QueryTime(l.GetProperty("time").GetString()!) - T0) / Millisecond).ToList();
        }

        Assert.Equal([5, 4, 3, 2, 1], await SearchAsync(""));
        Assert.Equal([3, 2, 1], await SearchAsync("service=shop"));
        Assert.Equal([5, 4, 3], await SearchAsync("severity=WARN"));
        Assert.Equal([5, 3], await SearchAsync("severity=error"));
        Assert.Equal([5], await SearchAsync("severity=22"));
        Assert.Equal([5], await SearchAsync("severity=FATAL2"));
        Assert.Equal([3], await SearchAsync("traceId=" + TraceIds.ToHex(traceId)));
        Assert.Equal([3, 2], await SearchAsync("text=ORDER%2042"));
        Assert.Equal([4], await SearchAsync("text=Declined"));
        Assert.Equal([4], await SearchAsync("text=acme"));
        Assert.Equal([2], await SearchAsync("text=0.5"));
        Assert.Equal([4], await SearchAsync("severity=WARN&service=billing&text=card"));
        Assert.Empty(await SearchAsync("service=nobody"));

        var limited = await QueryHttp.GetOkAsync(host, $"/api/logs?{window}&limit=2");
        Assert.Equal(2, limited.GetProperty("logs").GetArrayLength());
        Assert.Equal(2, limited.GetProperty("limit").GetInt32());
        Assert.True(limited.GetProperty("truncated").GetBoolean());
        Assert.False((await QueryHttp.GetOkAsync(host, $"/api/logs?{window}&limit=5")).GetProperty("truncated").GetBoolean());

        // The default window is the last hour before now: none of these logs.
        Assert.Empty((await QueryHttp.GetOkAsync(host, "/api/logs")).GetProperty("logs").EnumerateArray());
        var old = await QueryHttp.GetOkAsync(host, $"/api/logs?from={T0 / Millisecond - 7_200_000}&to={QueryHttp.Escape("2026-11-20T11:00:00Z")}");
        Assert.Equal("long ago", Assert.Single(old.GetProperty("logs").EnumerateArray()).GetProperty("body").GetString());

        var all = (await QueryHttp.GetOkAsync(host, $"/api/logs?{window}")).GetProperty("logs").EnumerateArray().ToList();
        var full = all.Single(l => l.GetProperty("eventName").GetString() == "payment.failed");
        Assert.Equal("2026-11-20T12:00:00.003Z", full.GetProperty("time").GetString());
        Assert.Equal("2026-11-20T12:00:00.003000005Z", full.GetProperty("observedTime").GetString());
        Assert.Equal(17, full.GetProperty("severityNumber").GetInt32());
        Assert.Equal("ERROR", full.GetProperty("severityText").GetString());
        Assert.Equal("Payment FAILED for order 42", full.GetProperty("body").GetString());
        Assert.Equal(42, full.GetProperty("attributes").GetProperty("order.id").GetInt64());
        Assert.Equal(TraceIds.ToHex(traceId), full.GetProperty("traceId").GetString());
        Assert.Equal(TraceIds.ToHex(spanId), full.GetProperty("spanId").GetString());
        Assert.Equal("shop", full.GetProperty("serviceName").GetString());
        Assert.Equal("shop", full.GetProperty("resource").GetProperty("service.name").GetString());
        Assert.Equal("query-tests", full.GetProperty("scope").GetProperty("name").GetString());
        Assert.Equal("1.0", full.GetProperty("scope").GetProperty("version").GetString());
        var kvlist = all.Single(l => l.GetProperty("serviceName").GetString() == "billing" && l.GetProperty("body").ValueKind == JsonValueKind.Object);
        Assert.Equal("card declined", kvlist.GetProperty("body").GetProperty("message").GetString());
        Assert.Equal("x", kvlist.GetProperty("body").GetProperty("$ref").GetString());
        Assert.Equal("AQID", kvlist.GetProperty("body").GetProperty("raw").GetString());
        Assert.Equal(JsonValueKind.Null, kvlist.GetProperty("traceId").ValueKind);
        Assert.Equal(7, all.Single(l => l.GetProperty("body").ValueKind == JsonValueKind.Number).GetProperty("body").GetInt32());
    }

    [Theory]
    [InlineData("/api/logs?severity=LOUD", "severity 'LOUD'")]
    [InlineData("/api/logs?severity=25", "severity")]
    [InlineData("/api/logs?traceId=zz", "traceId 'zz'")]
    [InlineData("/api/logs?from=yesterday", "from 'yesterday' is not a time; use RFC 3339 (2026-11-20T12:00:00Z) or Unix milliseconds")]
    [InlineData("/api/logs?to=2026-13-01T00:00:00Z", "to")]
    [InlineData("/api/logs?from=2026-11-20T12:00:00Z&to=2026-11-20T11:00:00Z", "from (2026-11-20T12:00:00Z) must be before to")]
    [InlineData("/api/logs?limit=1001", "limit 1001 is above the maximum of 1000")]
    [InlineData("/api/logs?limit=ten", "limit")]
    [InlineData("/api/logs?text=a&text=b", "text is given 2 times")]
    public async Task Bad_parameters_get_400_naming_the_parameter(string url, string message)
    {
        var storage = await CreateStorageAsync();
        using var _ = storage;
        await using var host = await CollectorHost.StartAsync(storage);

        var (status, body) = await QueryHttp.GetAsync(host, url);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, body.GetProperty("error").GetString());
    }

    private static long QueryTime(string rfc3339)
    {
        var dot = rfc3339.IndexOf('.');
        var seconds = DateTimeOffset.Parse(dot < 0 ? rfc3339 : rfc3339[..dot] + "Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();
        var fraction = dot < 0 ? 0 : long.Parse(rfc3339[(dot + 1)..^1].PadRight(9, '0'), System.Globalization.CultureInfo.InvariantCulture);
        return seconds * 1_000_000_000 + fraction;
    }
}

public sealed class SqliteLogsApiTests : LogsApiTests
{
    protected override Task<TestStorage> CreateStorageAsync() => Task.FromResult(TestStorage.Sqlite());
}

public sealed class PostgresLogsApiTests(PostgresServer server) : LogsApiTests, IClassFixture<PostgresServer>
{
    protected override Task<TestStorage> CreateStorageAsync() => TestStorage.PostgresAsync(server);
}

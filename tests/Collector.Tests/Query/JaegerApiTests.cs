using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Observability.Collector.Tests.Infrastructure;
using Observability.Core.Telemetry;
using Observability.Tests.Shared;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using static Observability.Collector.Tests.Query.QueryRequests;
using ProtoStatus = Observability.Collector.Otlp.Proto.Trace.V1.Status;

namespace Observability.Collector.Tests.Query;

/// <summary>
/// Traces through the Jaeger query API, as the Jaeger UI and Grafana's Jaeger data source call it: what the
/// OpenTelemetry SDK sent comes back in Jaeger's shape, and searches pick exactly the right traces.
/// </summary>
public abstract class JaegerApiTests
{
    private const long Second = 1_000_000_000;

    protected abstract Task<TestStorage> CreateStorageAsync();

    private async Task<(CollectorHost Host, TestStorage Storage)> StartAsync()
    {
        var storage = await CreateStorageAsync();
        return (await CollectorHost.StartAsync(storage), storage);
    }

    [Fact]
    public async Task A_trace_sent_by_the_sdk_comes_back_whole_in_jaegers_shape()
    {
        var (host, storage) = await StartAsync();
        await using var _ = host;
        using var __ = storage;
        using var source = new ActivitySource($"Observability.Tests.Jaeger.{Guid.NewGuid():N}", "2.0.0");
        var linked = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        Activity parent;
        Activity child;
        using (var tracerProvider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("jaeger-sdk-test", serviceVersion: "3.1.0", serviceInstanceId: "instance-7")
                .AddAttributes(new Dictionary<string, object> { ["host.cpu.count"] = 2 }))
            .AddSource(source.Name)
            .SetSampler(new AlwaysOnSampler())
            .AddOtlpExporter(options =>
            {
                options.Protocol = OtlpExportProtocol.Grpc;
                options.Endpoint = new Uri(host.GrpcUrl);
                options.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        {
            using (parent = source.StartActivity("POST /checkout", ActivityKind.Server)!)
            {
                parent.SetTag("http.request.method", "POST");
                parent.SetTag("http.response.status_code", 201);
                parent.SetTag("checkout.ratio", 0.5);
                parent.SetTag("checkout.cached", true);
                parent.SetTag("checkout.items", new[] { "book", "pen" });
                using (child = source.StartActivity("SELECT orders", ActivityKind.Client, parent.Context, links: [new ActivityLink(linked)])!)
                {
                    child.SetTag("db.system.name", "postgresql");
                    child.AddEvent(new ActivityEvent("cache.miss", tags: new ActivityTagsCollection { ["cache.key"] = "orders:42", ["cache.attempt"] = 3 }));
                    child.SetStatus(ActivityStatusCode.Error, "timeout");
                }
            }
        }

        var traceId = parent.TraceId.ToHexString();
        var body = await QueryHttp.GetOkAsync(host, $"/api/traces/{traceId}");

        Assert.Equal(1, body.GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("errors").ValueKind);
        var trace = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal(traceId, trace.GetProperty("traceID").GetString());
        var spans = trace.GetProperty("spans").EnumerateArray().ToList();
        Assert.Equal(2, spans.Count);
        var root = spans.Single(s => s.GetProperty("operationName").GetString() == "POST /checkout");
        var db = spans.Single(s => s.GetProperty("operationName").GetString() == "SELECT orders");

        Assert.Equal(parent.SpanId.ToHexString(), root.GetProperty("spanID").GetString());
        Assert.Equal(traceId, root.GetProperty("traceID").GetString());
        Assert.Empty(root.GetProperty("references").EnumerateArray());
        Assert.Equal(ToUnixMicros(parent.StartTimeUtc), root.GetProperty("startTime").GetInt64());
        Assert.Equal(parent.Duration.Ticks / 10, root.GetProperty("duration").GetInt64());
        Assert.Empty(root.GetProperty("warnings").EnumerateArray());
        var rootTags = Tags(root);
        Assert.Equal(("string", "POST"), rootTags["http.request.method"]);
        Assert.Equal(("int64", "201"), rootTags["http.response.status_code"]);
        Assert.Equal(("float64", "0.5"), rootTags["checkout.ratio"]);
        Assert.Equal(("bool", "true"), rootTags["checkout.cached"]);
        Assert.Equal(("string", """["book","pen"]"""), rootTags["checkout.items"]);
        Assert.Equal(("string", "server"), rootTags["span.kind"]);
        Assert.Equal(("string", source.Name), rootTags["otel.scope.name"]);
        Assert.Equal(("string", "2.0.0"), rootTags["otel.scope.version"]);
        Assert.False(rootTags.ContainsKey("error"));
        Assert.False(rootTags.ContainsKey("otel.status_code"));

        var references = db.GetProperty("references").EnumerateArray().ToList();
        Assert.Equal(2, references.Count);
        Assert.Equal("CHILD_OF", references[0].GetProperty("refType").GetString());
        Assert.Equal(traceId, references[0].GetProperty("traceID").GetString());
        Assert.Equal(parent.SpanId.ToHexString(), references[0].GetProperty("spanID").GetString());
        Assert.Equal("FOLLOWS_FROM", references[1].GetProperty("refType").GetString());
        Assert.Equal(linked.TraceId.ToHexString(), references[1].GetProperty("traceID").GetString());
        Assert.Equal(linked.SpanId.ToHexString(), references[1].GetProperty("spanID").GetString());
        var dbTags = Tags(db);
        Assert.Equal(("string", "postgresql"), dbTags["db.system.name"]);
        Assert.Equal(("string", "client"), dbTags["span.kind"]);
        Assert.Equal(("string", "ERROR"), dbTags["otel.status_code"]);
        Assert.Equal(("bool", "true"), dbTags["error"]);
        Assert.Equal(("string", "timeout"), dbTags["otel.status_description"]);
        var log = Assert.Single(db.GetProperty("logs").EnumerateArray());
        Assert.Equal(ToUnixMicros(child.Events.Single().Timestamp.UtcDateTime), log.GetProperty("timestamp").GetInt64());
        var fields = log.GetProperty("fields").EnumerateArray().ToList();
        Assert.Equal("event", fields[0].GetProperty("key").GetString());
        Assert.Equal("cache.miss", fields[0].GetProperty("value").GetString());
        var logFields = Tags(log, "fields");
        Assert.Equal(("string", "orders:42"), logFields["cache.key"]);
        Assert.Equal(("int64", "3"), logFields["cache.attempt"]);

        var processes = trace.GetProperty("processes").EnumerateObject().ToList();
        var process = Assert.Single(processes);
        Assert.Equal(process.Name, root.GetProperty("processID").GetString());
        Assert.Equal(process.Name, db.GetProperty("processID").GetString());
        Assert.Equal("jaeger-sdk-test", process.Value.GetProperty("serviceName").GetString());
        var processTags = Tags(process.Value);
        Assert.Equal(("string", "3.1.0"), processTags["service.version"]);
        Assert.Equal(("string", "instance-7"), processTags["service.instance.id"]);
        Assert.Equal(("int64", "2"), processTags["host.cpu.count"]);
        Assert.False(processTags.ContainsKey("service.name"));

        // The same trace is found by a search of the default window (the last hour) and by Jaeger's multi-get.
        var found = await QueryHttp.GetOkAsync(host, "/api/traces?service=jaeger-sdk-test&tags=" + QueryHttp.Escape("""{"error":"true"}"""));
        Assert.Equal([traceId], TraceIdsOf(found));
        var both = await QueryHttp.GetOkAsync(host, $"/api/traces?traceID={traceId}&traceID={Convert.ToHexStringLower(TelemetryBuilder.NewTraceId())}");
        Assert.Equal([traceId], TraceIdsOf(both));
        Assert.Equal(404, Assert.Single(both.GetProperty("errors").EnumerateArray()).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Services_and_operations_are_listed_as_jaeger_lists_them()
    {
        var (host, storage) = await StartAsync();
        await using var _ = host;
        using var __ = storage;
        using var client = new OtlpClient(host);
        var now = NowUnixNanos();
        var traceId = TelemetryBuilder.NewTraceId();
        var client1 = Span(traceId, "GET /stock", now, 1000);
        client1.Kind = Observability.Collector.Otlp.Proto.Trace.V1.Span.Types.SpanKind.Client;
        await client.ExportAsync(Traces("inventory/v2", [], Span(traceId, "GET /stock", now, 1000), client1, Span(traceId, "reserve", now, 1000)), OtlpTransport.Grpc);
        await client.ExportAsync(Traces("billing", [], Span(traceId, "charge", now, 1000)), OtlpTransport.Grpc);

        var services = await QueryHttp.GetOkAsync(host, "/api/services");
        Assert.Equal(["billing", "inventory/v2"], Strings(services.GetProperty("data")));
        Assert.Equal(2, services.GetProperty("total").GetInt32());
        Assert.Equal(0, services.GetProperty("limit").GetInt32());
        Assert.Equal(0, services.GetProperty("offset").GetInt32());
        Assert.Equal(JsonValueKind.Null, services.GetProperty("errors").ValueKind);

        var legacy = await QueryHttp.GetOkAsync(host, $"/api/services/{QueryHttp.Escape("inventory/v2")}/operations");
        Assert.Equal(["GET /stock", "reserve"], Strings(legacy.GetProperty("data")));

        var operations = await QueryHttp.GetOkAsync(host, "/api/operations?service=inventory%2Fv2");
        Assert.Equal(
            [("GET /stock", "server"), ("GET /stock", "client"), ("reserve", "server")],
            operations.GetProperty("data").EnumerateArray().Select(o => (o.GetProperty("name").GetString(), o.GetProperty("spanKind").GetString())));
        var clients = await QueryHttp.GetOkAsync(host, "/api/operations?service=inventory%2Fv2&spanKind=client");
        Assert.Equal(["GET /stock"], clients.GetProperty("data").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
        Assert.Empty((await QueryHttp.GetOkAsync(host, "/api/services/nobody/operations")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Search_filters_by_service_operation_tags_duration_time_and_limit()
    {
        var (host, storage) = await StartAsync();
        await using var _ = host;
        using var __ = storage;
        using var client = new OtlpClient(host);
        var t0 = TelemetryBuilder.BaseTimeUnixNanos;
        var slowError = TelemetryBuilder.NewTraceId();
        var fastOk = TelemetryBuilder.NewTraceId();
        var otherRoute = TelemetryBuilder.NewTraceId();
        var early = TelemetryBuilder.NewTraceId();
        var errorSpan = Span(slowError, "GET /cart", t0 + 30 * Second, 1_500_000_000, Attribute("http.response.status_code", 500), Attribute("user.tier", "gold"));
        errorSpan.Status = new ProtoStatus { Code = ProtoStatus.Types.StatusCode.Error, Message = "boom" };
        var child = Span(slowError, "SELECT", t0 + 30 * Second + 10, 1_000_000);
        child.ParentSpanId = errorSpan.SpanId;
        await client.ExportAsync(Traces("shop", [Attribute("deployment.environment.name", "prod")],
            errorSpan,
            Span(fastOk, "GET /cart", t0 + 40 * Second, 2_000_000, Attribute("http.response.status_code", 200)),
            Span(otherRoute, "GET /pay", t0 + 50 * Second, 300_000_000, Attribute("http.response.status_code", 200)),
            Span(early, "GET /cart", t0 - 600 * Second, 2_000_000)), OtlpTransport.Grpc);
        await client.ExportAsync(Traces("db", [], child), OtlpTransport.Grpc);

        var window = $"service=shop&start={(t0 - 60 * Second) / 1000}&end={(t0 + 60 * Second) / 1000}";
        async Task<List<string>> SearchAsync(string parameters) => TraceIdsOf(await QueryHttp.GetOkAsync(host, $"/api/traces?{window}&{parameters}"));
        string Hex(byte[] id) => TraceIds.ToHex(id);

        Assert.Equal([Hex(otherRoute), Hex(fastOk), Hex(slowError)], await SearchAsync(""));
        Assert.Equal([Hex(fastOk), Hex(slowError)], await SearchAsync("operation=" + QueryHttp.Escape("GET /cart")));
        Assert.Equal([Hex(slowError)], await SearchAsync("tags=" + QueryHttp.Escape("""{"http.response.status_code":"500"}""")));
        Assert.Equal([Hex(slowError)], await SearchAsync("tags=" + QueryHttp.Escape("""{"http.response.status_code":500,"error":true}""")));
        Assert.Equal([Hex(slowError)], await SearchAsync("tags=" + QueryHttp.Escape("error=true user.tier=\"gold\"")));
        Assert.Equal([Hex(otherRoute), Hex(fastOk)], await SearchAsync("tag=" + QueryHttp.Escape("http.response.status_code:200")));
        Assert.Equal([Hex(otherRoute), Hex(fastOk), Hex(slowError)], await SearchAsync("tags=" + QueryHttp.Escape("""{"deployment.environment.name":"prod"}""")));
        Assert.Empty(await SearchAsync("tags=" + QueryHttp.Escape("""{"deployment.environment.name":"dev"}""")));
        Assert.Equal([Hex(otherRoute), Hex(slowError)], await SearchAsync("minDuration=300ms"));
        Assert.Equal([Hex(slowError)], await SearchAsync("minDuration=1.2s"));
        Assert.Equal([Hex(otherRoute), Hex(fastOk)], await SearchAsync("maxDuration=1s"));
        Assert.Equal([Hex(otherRoute)], await SearchAsync("minDuration=2001us&maxDuration=300000us"));
        Assert.Equal([Hex(otherRoute), Hex(fastOk), Hex(slowError)], await SearchAsync("minDuration=2ms&maxDuration=1500ms"));
        Assert.Equal([Hex(otherRoute), Hex(fastOk)], await SearchAsync("limit=2"));
        Assert.Equal([Hex(early)], TraceIdsOf(await QueryHttp.GetOkAsync(host,
            $"/api/traces?service=shop&start={(t0 - 700 * Second) / 1000}&end={(t0 - 500 * Second) / 1000}")));
        // The default window is the last hour: these spans are long before it.
        Assert.Empty(TraceIdsOf(await QueryHttp.GetOkAsync(host, "/api/traces?service=shop")));

        // A search returns whole traces, spans of other services included; a span in another service finds its trace too.
        var result = await QueryHttp.GetOkAsync(host, $"/api/traces?{window}&minDuration=1s");
        var trace = Assert.Single(result.GetProperty("data").EnumerateArray());
        Assert.Equal(2, trace.GetProperty("spans").GetArrayLength());
        Assert.Equal(2, trace.GetProperty("processes").EnumerateObject().Count());
        Assert.Equal([Hex(slowError)], TraceIdsOf(await QueryHttp.GetOkAsync(host, $"/api/traces?service=db&start={(t0 - 60 * Second) / 1000}&end={(t0 + 60 * Second) / 1000}")));

        // A span whose parent never arrived is shown with Jaeger's warning.
        var orphan = Assert.Single((await QueryHttp.GetOkAsync(host, $"/api/traces/{Hex(slowError)}")).GetProperty("data").EnumerateArray());
        Assert.All(orphan.GetProperty("spans").EnumerateArray(), span => Assert.Empty(span.GetProperty("warnings").EnumerateArray()));
        var lonely = TelemetryBuilder.NewTraceId();
        var lonelySpan = Span(lonely, "late", t0, 1000);
        lonelySpan.ParentSpanId = Google.Protobuf.ByteString.CopyFrom(TelemetryBuilder.NewSpanId());
        await client.ExportAsync(Traces("shop", [], lonelySpan), OtlpTransport.Grpc);
        var warned = Assert.Single((await QueryHttp.GetOkAsync(host, $"/api/traces/{Hex(lonely)}")).GetProperty("data").EnumerateArray());
        Assert.Equal(
            $"invalid parent span IDs={TraceIds.ToHex(lonelySpan.ParentSpanId.Span)}; skipping clock skew adjustment",
            Assert.Single(Assert.Single(warned.GetProperty("spans").EnumerateArray()).GetProperty("warnings").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task A_64_bit_trace_id_is_found_by_its_16_hex_digits()
    {
        var (host, storage) = await StartAsync();
        await using var _ = host;
        using var __ = storage;
        using var client = new OtlpClient(host);
        var traceId = new byte[16];
        TelemetryBuilder.NewSpanId().CopyTo(traceId, 8);
        await client.ExportAsync(Traces("short", [], Span(traceId, "op", NowUnixNanos(), 1000)), OtlpTransport.Http);

        var body = await QueryHttp.GetOkAsync(host, $"/api/traces/{TraceIds.ToHex(traceId.AsSpan(8))}");

        Assert.Equal(TraceIds.ToHex(traceId), Assert.Single(body.GetProperty("data").EnumerateArray()).GetProperty("traceID").GetString());
    }

    [Theory]
    [InlineData("/api/traces", 400, "service")]
    [InlineData("/api/traces?service=shop&minDuration=12%20parsecs", 400, "minDuration '12 parsecs' is not a duration; use e.g. 300ms, 1.2s")]
    [InlineData("/api/traces?service=shop&maxDuration=-1s", 400, "maxDuration")]
    [InlineData("/api/traces?service=shop&minDuration=2s&maxDuration=1s", 400, "maxDuration")]
    [InlineData("/api/traces?service=shop&start=yesterday", 400, "start")]
    [InlineData("/api/traces?service=shop&end=1.5", 400, "end")]
    [InlineData("/api/traces?service=shop&start=2000000&end=1000000", 400, "start")]
    [InlineData("/api/traces?service=shop&limit=many", 400, "limit")]
    [InlineData("/api/traces?service=shop&limit=5000", 400, "limit 5000 is above the maximum of 1500")]
    [InlineData("/api/traces?service=shop&limit=-3", 400, "limit")]
    [InlineData("/api/traces?service=shop&tags=%7B%22a%22", 400, "tags")]
    [InlineData("/api/traces?service=shop&tags=%5B1%5D", 400, "tags")]
    [InlineData("/api/traces?service=shop&tags=%7B%22a%22%3A%7B%7D%7D", 400, "tags")]
    [InlineData("/api/traces?service=shop&tags=novalue", 400, "tags")]
    [InlineData("/api/traces?service=shop&tags=a%3D%22open", 400, "tags")]
    [InlineData("/api/traces?service=shop&tag=nocolon", 400, "tag")]
    [InlineData("/api/traces?service=shop&service=billing", 400, "service")]
    [InlineData("/api/traces?traceID=xyz", 400, "traceID")]
    [InlineData("/api/traces/xyz", 400, "trace ID")]
    [InlineData("/api/traces/0123456789abcdef0123456789abcdef0", 400, "trace ID")]
    [InlineData("/api/traces/0123456789abcdef0123456789abcdef", 404, "trace not found")]
    [InlineData("/api/operations", 400, "service")]
    [InlineData("/api/operations?service=shop&spanKind=sideways", 400, "spanKind")]
    public async Task Bad_parameters_get_400_in_jaegers_shape_naming_the_parameter(string url, int status, string message)
    {
        var (host, storage) = await StartAsync();
        await using var _ = host;
        using var __ = storage;

        var (actualStatus, body) = await QueryHttp.GetAsync(host, url);

        Assert.Equal((HttpStatusCode)status, actualStatus);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("data").ValueKind);
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal(status, error.GetProperty("code").GetInt32());
        Assert.Contains(message, error.GetProperty("msg").GetString());
    }

    internal static List<string> TraceIdsOf(JsonElement body) =>
        body.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("traceID").GetString()!).ToList();

    private static List<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()).ToList();

    /// <summary>Tags by key, as (type, value text).</summary>
    private static Dictionary<string, (string, string)> Tags(JsonElement owner, string property = "tags") =>
        owner.GetProperty(property).EnumerateArray().ToDictionary(
            tag => tag.GetProperty("key").GetString()!,
            tag => (tag.GetProperty("type").GetString()!, tag.GetProperty("value") is var value && value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()));

    private static long ToUnixMicros(DateTime utc) => (utc - DateTime.UnixEpoch).Ticks / 10;

    private static long NowUnixNanos() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
}

public sealed class SqliteJaegerApiTests : JaegerApiTests
{
    protected override Task<TestStorage> CreateStorageAsync() => Task.FromResult(TestStorage.Sqlite());
}

public sealed class PostgresJaegerApiTests(PostgresServer server) : JaegerApiTests, IClassFixture<PostgresServer>
{
    protected override Task<TestStorage> CreateStorageAsync() => TestStorage.PostgresAsync(server);
}

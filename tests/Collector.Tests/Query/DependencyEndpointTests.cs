using System.Net;
using Google.Protobuf;
using Observability.Collector.Otlp.Proto.Collector.Trace.V1;
using Observability.Collector.Otlp.Proto.Common.V1;
using Observability.Collector.Otlp.Proto.Resource.V1;
using Observability.Collector.Otlp.Proto.Trace.V1;
using Observability.Collector.Tests.Infrastructure;
using Observability.Tests.Shared;

namespace Observability.Collector.Tests.Query;

/// <summary>GET /api/dependencies over traces sent through OTLP/HTTP: a frontend client span calling a backend server span.</summary>
public abstract class DependencyEndpointTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    protected abstract Task<TestStorage> CreateStorageAsync();

    [Fact]
    public async Task Lists_who_calls_whom_with_call_and_error_counts()
    {
        using var storage = await CreateStorageAsync();
        await using var host = await CollectorHost.StartAsync(storage);
        var request = new ExportTraceServiceRequest();
        var frontend = new ScopeSpans();
        var backend = new ScopeSpans();
        for (var i = 0; i < 3; i++)
        {
            var traceId = ByteString.CopyFrom(TelemetryBuilder.NewTraceId());
            var client = NewSpan(traceId, ByteString.Empty, "GET backend", Span.Types.SpanKind.Client, Noon.AddSeconds(i), error: false);
            frontend.Spans.Add(client);
            backend.Spans.Add(NewSpan(traceId, client.SpanId, "GET /items", Span.Types.SpanKind.Server, Noon.AddSeconds(i).AddMilliseconds(1), error: i == 0));
        }
        request.ResourceSpans.Add(Resource("frontend", frontend));
        request.ResourceSpans.Add(Resource("backend", backend));
        using (var http = new HttpClient())
        using (var response = await http.PostAsync($"{host.HttpUrl}/v1/traces", OtlpRequests.Protobuf(request)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var body = await QueryHttp.GetOkAsync(host, $"/api/dependencies?from={Noon.ToUnixTimeMilliseconds()}&to={Noon.AddMinutes(1).ToUnixTimeMilliseconds()}");

        Assert.Equal(["backend", "frontend"], body.GetProperty("services").EnumerateArray().Select(s => s.GetString()));
        var edge = Assert.Single(body.GetProperty("edges").EnumerateArray());
        Assert.Equal(("frontend", "backend", 3, 1),
            (edge.GetProperty("caller").GetString(), edge.GetProperty("callee").GetString(), edge.GetProperty("calls").GetInt64(), edge.GetProperty("errors").GetInt64()));
        Assert.Equal(3, body.GetProperty("tracesRead").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("sampled").ValueKind);

        var empty = await QueryHttp.GetOkAsync(host, $"/api/dependencies?from={Noon.AddDays(1).ToUnixTimeMilliseconds()}&to={Noon.AddDays(2).ToUnixTimeMilliseconds()}");
        Assert.StartsWith("no spans started in [2026-11-21T12:00:00", empty.GetProperty("noData").GetString());

        var (status, error) = await QueryHttp.GetAsync(host, "/api/dependencies?from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("from 'yesterday' is not a time; use RFC 3339 (2026-11-20T12:00:00Z) or Unix milliseconds", error.GetProperty("error").GetString());
    }

    private static Span NewSpan(ByteString traceId, ByteString parentSpanId, string name, Span.Types.SpanKind kind, DateTimeOffset start, bool error)
    {
        var startNanos = (ulong)((start - DateTimeOffset.UnixEpoch).Ticks * 100);
        return new Span
        {
            TraceId = traceId,
            SpanId = ByteString.CopyFrom(TelemetryBuilder.NewSpanId()),
            ParentSpanId = parentSpanId,
            Name = name,
            Kind = kind,
            StartTimeUnixNano = startNanos,
            EndTimeUnixNano = startNanos + 5_000_000,
            Status = new Status { Code = error ? Status.Types.StatusCode.Error : Status.Types.StatusCode.Unset },
        };
    }

    private static ResourceSpans Resource(string service, ScopeSpans spans) => new()
    {
        Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } } } },
        ScopeSpans = { spans },
    };
}

public sealed class SqliteDependencyEndpointTests : DependencyEndpointTests
{
    protected override Task<TestStorage> CreateStorageAsync() => Task.FromResult(TestStorage.Sqlite());
}

public sealed class PostgresDependencyEndpointTests(PostgresServer server) : DependencyEndpointTests, IClassFixture<PostgresServer>
{
    protected override Task<TestStorage> CreateStorageAsync() => TestStorage.PostgresAsync(server);
}

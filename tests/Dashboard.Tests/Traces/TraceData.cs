using Observability.Core.Storage;
using Observability.Core.Telemetry;
using Observability.Dashboard.Traces;

namespace Observability.Dashboard.Tests.Traces;

/// <summary>Hand-built traces with fixed ids and times, and a trace source that serves them.</summary>
internal static class TraceData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 5, 0, 0, TimeSpan.Zero);
    public const long NanosPerMillisecond = 1_000_000;

    public const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    public const string LinkedTraceId = "5b8efff798038103d269b633813fc60c";
    public const string RootId = "00f067aa0ba902b7";
    public const string ChargeId = "00f067aa0ba902b8";
    public const string ReserveId = "00f067aa0ba902b9";

    /// <summary>Ten minutes ago.</summary>
    public static readonly long StartUnixNanos = (Now.AddMinutes(-10) - DateTimeOffset.UnixEpoch).Ticks * 100;

    public static SpanRecord Span(string traceId, string spanId, string? parentId, string service, string name, double startMs, double durationMs) => new()
    {
        Resource = new TelemetryResource(service, $$"""{"service.name":"{{service}}","host.name":"node-1"}"""),
        Scope = new TelemetryScope("Shop.Tracing", "1.0.0"),
        TraceId = TraceIds.FromHex(traceId),
        SpanId = TraceIds.FromHex(spanId),
        ParentSpanId = parentId is null ? [] : TraceIds.FromHex(parentId),
        Name = name,
        Kind = parentId is null ? SpanKind.Server : SpanKind.Client,
        StartUnixNanos = StartUnixNanos + (long)(startMs * NanosPerMillisecond),
        EndUnixNanos = StartUnixNanos + (long)((startMs + durationMs) * NanosPerMillisecond),
    };

    /// <summary>
    /// frontend "GET /checkout" (100 ms) with two children: payments "charge card" 10 ms in for 30 ms (an error with an
    /// attribute, an event and a link), and inventory "reserve stock" 50 ms in for 40 ms.
    /// </summary>
    public static IReadOnlyList<SpanRecord> ThreeSpanTrace(string chargeName = "charge card") =>
    [
        Span(TraceId, RootId, null, "frontend", "GET /checkout", 0, 100) with { AttributesJson = """{"http.route":"/checkout","http.status_code":500}""" },
        Span(TraceId, ChargeId, RootId, "payments", chargeName, 10, 30) with
        {
            StatusCode = SpanStatusCode.Error,
            StatusMessage = "card declined",
            AttributesJson = """{"payment.provider":"acme","retry":2}""",
            EventsJson = $$"""[{"timeUnixNano":{{StartUnixNanos + 15 * NanosPerMillisecond}},"name":"card.declined","attributes":{"decline.code":"51"},"droppedAttributesCount":0}]""",
            LinksJson = $$"""[{"traceId":"{{LinkedTraceId}}","spanId":"eee19b7ec3c1b174","traceState":"","attributes":{"link.reason":"retry of"},"droppedAttributesCount":0,"flags":0}]""",
        },
        Span(TraceId, ReserveId, RootId, "inventory", "reserve stock", 50, 40),
    ];

    /// <summary>A root, a section span every 50 spans under it, and each section's next 49 spans under the section.</summary>
    public static IReadOnlyList<SpanRecord> LargeTrace(int count)
    {
        static string Id(int index) => (index + 1).ToString("x16");
        var spans = new List<SpanRecord>(count);
        for (var i = 0; i < count; i++)
        {
            string? parent = i == 0 ? null : i % 50 == 0 ? Id(0) : Id(i / 50 * 50);
            spans.Add(Span(TraceId, Id(i), parent, $"service-{i % 7}", $"operation {i}", i * 0.5, 5));
        }
        return spans;
    }

    public static LogRecord Log(string spanId, double atMs, string body, string severity = "Information") => new()
    {
        Resource = new TelemetryResource("payments", """{"service.name":"payments"}"""),
        Scope = new TelemetryScope("Shop.Logging"),
        TimeUnixNanos = StartUnixNanos + (long)(atMs * NanosPerMillisecond),
        SeverityNumber = 9,
        SeverityText = severity,
        BodyJson = System.Text.Json.JsonSerializer.Serialize(body),
        AttributesJson = """{"order.id":"42"}""",
        TraceId = TraceIds.FromHex(TraceId),
        SpanId = TraceIds.FromHex(spanId),
    };
}

/// <summary>Serves fixed traces and logs, and remembers what was asked.</summary>
internal sealed class FakeTraceSource : ITraceSource
{
    public List<string> Services { get; init; } = ["frontend", "inventory", "payments"];

    public Dictionary<string, IReadOnlyList<string>> Operations { get; init; } = new() { ["frontend"] = ["GET /cart", "GET /checkout"] };

    /// <summary>Every stored trace; a search returns those whose spans include the searched service.</summary>
    public List<IReadOnlyList<SpanRecord>> Traces { get; init; } = [];

    public List<LogRecord> Logs { get; init; } = [];

    /// <summary>Every search asked for, in order (a page's timer asks from the thread pool: read through the members below).</summary>
    public List<TraceSearch> Searches { get; } = [];

    public int SearchCount
    {
        get
        {
            lock (Searches)
            {
                return Searches.Count;
            }
        }
    }

    public TraceSearch LastSearch
    {
        get
        {
            lock (Searches)
            {
                return Searches[^1];
            }
        }
    }

    public Exception? SearchError { get; set; }

    public Task<IReadOnlyList<string>> GetServicesAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([.. Services]);

    public Task<IReadOnlyList<string>> GetOperationsAsync(string service, CancellationToken cancellationToken) =>
        Task.FromResult(Operations.TryGetValue(service, out var operations) ? operations : []);

    public Task<IReadOnlyList<IReadOnlyList<SpanRecord>>> SearchAsync(TraceSearch search, CancellationToken cancellationToken)
    {
        lock (Searches)
        {
            Searches.Add(search);
        }
        if (SearchError is not null)
        {
            throw SearchError;
        }
        return Task.FromResult<IReadOnlyList<IReadOnlyList<SpanRecord>>>(
            [.. Traces.Where(t => t.Any(s => s.Resource.ServiceName == search.ServiceName))]);
    }

    private int _traceReads;

    /// <summary>How many times traces were read by id (a page's timer reads from the thread pool).</summary>
    public int TraceReads => Volatile.Read(ref _traceReads);

    public Task<IReadOnlyList<IReadOnlyList<SpanRecord>>> GetTracesAsync(IReadOnlyList<byte[]> traceIds, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _traceReads);
        return Task.FromResult<IReadOnlyList<IReadOnlyList<SpanRecord>>>(
            [.. Traces.Where(t => traceIds.Any(id => id.AsSpan().SequenceEqual(t[0].TraceId)))]);
    }

    public Task<IReadOnlyList<LogRecord>> GetTraceLogsAsync(byte[] traceId, long fromUnixNanos, long toUnixNanos, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<LogRecord>>(
            [.. Logs.Where(l => l.TraceId.AsSpan().SequenceEqual(traceId) && l.EffectiveTimeUnixNanos >= fromUnixNanos && l.EffectiveTimeUnixNanos < toUnixNanos).Take(limit)]);
}

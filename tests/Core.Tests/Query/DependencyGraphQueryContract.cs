using Observability.Core.Query;
using Observability.Core.Storage;
using Observability.Core.Telemetry;
using Observability.Core.Tests.Storage;
using Observability.Tests.Shared;

namespace Observability.Core.Tests.Query;

/// <summary>The dependency graph from hand-built traces, read back from each store.</summary>
public abstract class DependencyGraphQueryContract
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch.AddTicks(TelemetryBuilder.BaseTimeUnixNanos / 100);
    private static readonly CancellationToken None = CancellationToken.None;

    protected abstract Task<ITelemetryStore> OpenAsync();

    private static SpanRecord Span(string service, SpanKind kind, byte[] traceId, SpanRecord? parent, TimeSpan at, bool error = false) =>
        TelemetryBuilder.Span(traceId, parent?.SpanId, TelemetryBuilder.Resource(service), (long)at.TotalMicroseconds * 1_000) with
        {
            Name = $"{kind} {service}",
            Kind = kind,
            StatusCode = error ? SpanStatusCode.Error : SpanStatusCode.Unset,
            StatusMessage = "",
        };

    /// <summary>frontend → backend twice (one failing), backend → payments once, and one more frontend → backend call two hours later.</summary>
    private static TelemetryBatch Traces()
    {
        var batch = new TelemetryBatch();
        void Add(TimeSpan at, bool backendFails, bool callsPayments)
        {
            var trace = TelemetryBuilder.NewTraceId();
            var root = Span("frontend", SpanKind.Server, trace, null, at);
            var client = Span("frontend", SpanKind.Client, trace, root, at + TimeSpan.FromMilliseconds(1));
            var server = Span("backend", SpanKind.Server, trace, client, at + TimeSpan.FromMilliseconds(2), backendFails);
            var work = Span("backend", SpanKind.Internal, trace, server, at + TimeSpan.FromMilliseconds(3));
            batch.Spans.AddRange([root, client, server, work]);
            if (callsPayments)
            {
                // A parent in backend and a child in payments, without a client span in between: still a call.
                batch.Spans.Add(Span("payments", SpanKind.Consumer, trace, work, at + TimeSpan.FromMilliseconds(4)));
            }
        }
        Add(TimeSpan.FromSeconds(10), backendFails: true, callsPayments: false);
        Add(TimeSpan.FromSeconds(20), backendFails: false, callsPayments: true);
        Add(TimeSpan.FromHours(2), backendFails: false, callsPayments: false);
        return batch;
    }

    [Fact]
    public async Task Counts_calls_and_errors_between_services_that_started_in_the_window()
    {
        await using var store = await OpenAsync();
        await store.WriteAsync(Traces(), None);

        var graph = await new DependencyGraphQuery(store).ReadAsync(T0, T0.AddHours(1), new DependencyGraphLimits(), None);

        Assert.Equal(["backend", "frontend", "payments"], graph.Services);
        Assert.Equal([new DependencyEdge("backend", "payments", 1, 0), new DependencyEdge("frontend", "backend", 2, 1)], graph.Edges);
        Assert.Equal((2, 9), (graph.TracesRead, graph.SpansRead));
        Assert.Null(graph.Sampled);
        Assert.Equal(new Dictionary<string, int> { ["frontend"] = 0, ["backend"] = 1, ["payments"] = 2 }, graph.Depths());
    }

    [Fact]
    public async Task Says_it_sampled_when_a_service_has_more_traces_than_the_limit()
    {
        await using var store = await OpenAsync();
        await store.WriteAsync(Traces(), None);

        var graph = await new DependencyGraphQuery(store).ReadAsync(T0, T0.AddHours(3), new DependencyGraphLimits { TracesPerService = 1 }, None);

        Assert.Equal("Sampled: the 1 most recent traces of backend, frontend, payments.", graph.Sampled);
        // The most recent trace of every service: the late frontend → backend one and the one with payments.
        Assert.Equal(2, graph.TracesRead);
        Assert.Equal([new DependencyEdge("backend", "payments", 1, 0), new DependencyEdge("frontend", "backend", 2, 0)], graph.Edges);
    }

    [Fact]
    public async Task An_empty_window_has_no_services_and_no_edges()
    {
        await using var store = await OpenAsync();
        await store.WriteAsync(Traces(), None);

        var graph = await new DependencyGraphQuery(store).ReadAsync(T0.AddDays(1), T0.AddDays(1).AddHours(1), new DependencyGraphLimits(), None);

        Assert.Empty(graph.Services);
        Assert.Empty(graph.Edges);
        Assert.Null(graph.Sampled);
    }
}

public sealed class SqliteDependencyGraphQueryTests : DependencyGraphQueryContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("obs-dependencies-").FullName;

    protected override Task<ITelemetryStore> OpenAsync() => TestStores.SqliteAsync(_folder, "dependencies.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class PostgresDependencyGraphQueryTests(PostgresServer server) : DependencyGraphQueryContract, IClassFixture<PostgresServer>
{
    protected override Task<ITelemetryStore> OpenAsync() => TestStores.PostgresAsync(server, "dependencies_");
}

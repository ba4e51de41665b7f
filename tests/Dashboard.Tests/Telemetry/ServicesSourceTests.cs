using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Observability.Core.Query;
using Observability.Core.Rollups;
using Observability.Core.Storage;
using Observability.Core.Storage.Sqlite;
using Observability.Core.Telemetry;
using Observability.Dashboard.Telemetry;
using Observability.Tests.Shared;

namespace Observability.Dashboard.Tests.Telemetry;

/// <summary>The Services page's real source over a SQLite store: rollups for the figures, traces for the map, the map re-read at most every 10 s.</summary>
public sealed class ServicesSourceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch.AddTicks(TelemetryBuilder.BaseTimeUnixNanos / 100);
    private static readonly TimeSpan Range = TimeSpan.FromMinutes(15);

    private readonly string _folder = Directory.CreateTempSubdirectory("obs-services-source-").FullName;
    private readonly FakeTimeProvider _time = new(T0.AddMinutes(10));
    private SqliteTelemetryStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteTelemetryStore(new SqliteStorageOptions { Path = Path.Combine(_folder, "services.db") }, NullLogger<SqliteTelemetryStore>.Instance);
        await _store.InitializeAsync(CancellationToken.None);
    }

    /// <summary>frontend's GET /checkout calls backend's GET /items; the calls whose index is in <paramref name="failing"/> fail in backend.</summary>
    private async Task SendAsync(int calls, int offsetSeconds, params int[] failing)
    {
        var batch = new TelemetryBatch();
        for (var i = 0; i < calls; i++)
        {
            var trace = TelemetryBuilder.NewTraceId();
            var at = (long)(offsetSeconds + i) * 1_000_000_000;
            var root = TelemetryBuilder.Span(trace, null, TelemetryBuilder.Resource("frontend"), at) with { Name = "GET /checkout", Kind = SpanKind.Server, StatusCode = SpanStatusCode.Unset };
            var client = TelemetryBuilder.Span(trace, root.SpanId, TelemetryBuilder.Resource("frontend"), at + 1_000) with { Name = "GET backend", Kind = SpanKind.Client, StatusCode = SpanStatusCode.Unset };
            var server = TelemetryBuilder.Span(trace, client.SpanId, TelemetryBuilder.Resource("backend"), at + 2_000) with
            {
                Name = "GET /items",
                Kind = SpanKind.Server,
                StatusCode = failing.Contains(i) ? SpanStatusCode.Error : SpanStatusCode.Unset,
            };
            batch.Spans.AddRange([root, client, server]);
        }
        await _store.WriteAsync(batch, CancellationToken.None);
    }

    [Fact]
    public async Task Reads_services_the_map_and_the_selected_services_operations_and_steps()
    {
        await SendAsync(4, 0, failing: 1);
        var source = new ServicesSource(_store, new RedQueryService(_store), _time);

        var snapshot = await source.ReadAsync(Range, "backend", CancellationToken.None);

        Assert.Equal([("backend", 4L, 1L), ("frontend", 4L, 0L)], snapshot.Services.Select(s => (s.Service, s.Red.Requests, s.Red.Errors)));
        Assert.Equal([new DependencyEdge("frontend", "backend", 4, 1)], snapshot.Graph.Edges);
        var operation = Assert.Single(snapshot.Selected!.Operations);
        Assert.Equal(("GET /items", 4L, 1L), (operation.Operation, operation.Red.Requests, operation.Red.Errors));
        // 15 minutes in about 60 steps of a multiple of 10 s: 20 s each.
        Assert.Equal(TimeSpan.FromSeconds(20), snapshot.Selected.Step);
        Assert.Equal(4, snapshot.Selected.Series.Sum(point => point.Requests));
    }

    [Fact]
    public async Task Reads_the_map_again_only_after_ten_seconds_but_the_figures_every_time()
    {
        await SendAsync(4, 0);
        var source = new ServicesSource(_store, new RedQueryService(_store), _time);
        await source.ReadAsync(Range, null, CancellationToken.None);
        await SendAsync(2, 10);

        _time.Advance(TimeSpan.FromSeconds(9));
        var early = await source.ReadAsync(Range, null, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        var late = await source.ReadAsync(Range, null, CancellationToken.None);

        Assert.Equal(6, early.Services.Single(s => s.Service == "frontend").Red.Requests);
        Assert.Equal(4, early.Graph.Edges.Single().Calls);
        Assert.Equal(6, late.Graph.Edges.Single().Calls);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

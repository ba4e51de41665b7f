using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Rules;
using Observability.Core.Alerting.Slo;
using Observability.Core.Storage;
using Observability.Core.Storage.Sqlite;
using Observability.Core.Telemetry;
using Observability.Core.Tests.Alerting.Slo;
using static Observability.Core.Tests.Kpis.KpiTelemetry;

namespace Observability.Core.Tests.Alerting.Rules;

/// <summary>
/// Rules and SLOs over the real embedded store: spans written through it, rollups read back from its 10 s, 1 min and
/// 1 h tables, so the queries the evaluator makes are the ones the store answers.
/// </summary>
public sealed class AlertRulesOnSqliteTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("obs-rules-").FullName;
    private SqliteTelemetryStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteTelemetryStore(new SqliteStorageOptions { Path = Path.Combine(_folder, "rules.db") }, NullLogger<SqliteTelemetryStore>.Instance);
        await _store.InitializeAsync(CancellationToken.None);

        // In the minute from 12:00:00: shop serves 200 requests (one every 0.3 s), every tenth in error, half of them
        // "POST /pay" taking 400 ms, the others "GET /" taking 20 ms; cart serves 100 requests of 10 ms without error.
        // Shop's outgoing client spans, all failed, are not entry spans and must not count.
        var batch = new TelemetryBatch();
        for (var i = 0; i < 200; i++)
        {
            var pay = i % 2 == 0;
            var span = Span("shop", SpanKind.Server, 0, pay ? 400 : 20, i % 10 == 0 ? SpanStatusCode.Error : SpanStatusCode.Unset);
            batch.Spans.Add(span with { Name = pay ? "POST /pay" : "GET /", StartUnixNanos = T0 + i * 300_000_000L, EndUnixNanos = T0 + i * 300_000_000L + (pay ? 400 : 20) * 1_000_000L });
        }
        for (var i = 0; i < 100; i++)
        {
            var span = Span("cart", SpanKind.Server, 0, 10);
            batch.Spans.Add(span with { StartUnixNanos = T0 + i * 600_000_000L, EndUnixNanos = T0 + i * 600_000_000L + 10_000_000L });
            batch.Spans.Add(Span("shop", SpanKind.Client, i % 60, 5, SpanStatusCode.Error));
        }
        await _store.WriteAsync(batch, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private AlertConditionEvaluator Evaluator(DateTimeOffset now) => new(
        AlertingFixtures.Kpis(_store, _store), _store, _store, new SloCalculator(_store, _store), new FakeTimeProvider(now));

    private static AlertRule Red(RedCondition condition, TimeSpan window) => new()
    {
        Name = "Red",
        Condition = condition,
        Comparator = Core.Roadmap.TargetComparator.GreaterThan,
        Threshold = 0.05,
        Window = window,
        For = TimeSpan.Zero,
        Labels = new Dictionary<string, string> { ["severity"] = "page" },
    };

    [Fact]
    public async Task Red_conditions_read_the_stores_rollups_per_service_and_operation()
    {
        var evaluator = Evaluator(Start.AddMinutes(1));

        // The whole minute, read from the 1-minute table: shop 20 errors of 200 entry spans, cart none of 100.
        var ratios = await evaluator.EvaluateAsync(Red(new RedCondition(RedSignal.ErrorRatio, null, null), TimeSpan.FromMinutes(1)), CancellationToken.None);
        Assert.Equal(new Dictionary<string, double?> { ["cart"] = 0, ["shop"] = 0.1 }, ratios.ToDictionary(r => r.SeriesLabels["service"], r => r.Value));

        // POST /pay alone: every span 400 ms, p99 400 ms within the sketch's error; 100 spans over 60 s.
        var p99 = Assert.Single(await evaluator.EvaluateAsync(Red(new RedCondition(RedSignal.P99, "shop", "POST /pay"), TimeSpan.FromMinutes(1)), CancellationToken.None));
        var rate = Assert.Single(await evaluator.EvaluateAsync(Red(new RedCondition(RedSignal.Rate, null, "POST /pay"), TimeSpan.FromMinutes(1)), CancellationToken.None));
        Assert.Equal(400, p99.Value!.Value, 400 * 0.003);
        Assert.Equal(("shop", 100.0 / 60), (rate.SeriesLabels["service"], rate.Value!.Value));
    }

    [Fact]
    public async Task Slo_counts_come_from_the_stores_rollups()
    {
        var calculator = new SloCalculator(_store, _store);
        var now = Start.AddHours(1);
        var availability = new SloDefinition("shop", "shop", new AvailabilityIndicator(), 0.99, new SloTimeWindow(TimeSpan.FromDays(30)));
        var latency = availability with { Indicator = new LatencyIndicator(300, null) };

        // Over the hour (1-hour table): 180 good of 200, burn (20 / 200) / 0.01 = 10. Latency: the 100 GET / spans of
        // 20 ms are good, the 100 POST /pay spans of 400 ms are not: 100 of 200, burn 0.5 / 0.01 = 50.
        var (burn, _) = await calculator.BurnRateAsync(availability, TimeSpan.FromHours(1), now, CancellationToken.None);
        var slow = await calculator.CountsAsync(latency, now.AddHours(-1), now, CancellationToken.None);

        Assert.Equal(10, burn!.Value, 9);
        Assert.Equal((100.0, 200.0), (slow.Good, slow.Total));
        Assert.Equal(50, SloCalculator.BurnRate(latency, slow)!.Value, 9);
    }
}

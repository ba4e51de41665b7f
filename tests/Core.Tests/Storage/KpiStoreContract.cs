using Microsoft.Extensions.Logging.Abstractions;
using Observability.Core.Kpis;
using Observability.Core.Storage;
using Observability.Core.Storage.Postgres;
using Observability.Core.Storage.Sqlite;
using Observability.Tests.Shared;

namespace Observability.Core.Tests.Storage;

/// <summary>The KPI tables behave the same in both stores.</summary>
public abstract class KpiStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    protected abstract Task<ITelemetryStore> OpenAsync();

    private static KpiSample Sample(string kpi, DateTimeOffset tick, double? value, string? reason = null) =>
        new(new KpiMeasurement(kpi, tick.AddMinutes(-5), tick, value, "ms", reason, value is null ? null : "detail"));

    [Fact]
    public async Task A_tick_stored_twice_is_stored_once_and_series_come_back_in_order()
    {
        await using var store = await OpenAsync();
        var kpis = store.Kpis;

        Assert.Equal(2, await kpis.AddSamplesAsync([Sample("p99", T0.AddSeconds(15), 120.5), Sample("p99", T0, 110)], CancellationToken.None));
        // A second Collector computing the same tick: nothing new.
        Assert.Equal(1, await kpis.AddSamplesAsync([Sample("p99", T0, 999), Sample("lag", T0, null, "no replicas")], CancellationToken.None));

        var series = await kpis.GetSamplesAsync("p99", T0, T0.AddMinutes(1), 100, CancellationToken.None);
        Assert.Equal([110, 120.5], series.Select(s => s.Measurement.Value!.Value));
        Assert.Equal(T0, series[0].MeasuredAt);
        Assert.Equal(TimeSpan.FromMinutes(5), series[0].Window);
        Assert.Equal("detail", series[0].Measurement.Detail);

        var latest = await kpis.GetLatestSamplesAsync(T0.AddMinutes(-1), CancellationToken.None);
        Assert.Equal([("lag", (double?)null, "no replicas"), ("p99", 120.5, null)],
            latest.Select(s => (s.KpiId, s.Measurement.Value, s.Measurement.NoDataReason)));
        Assert.Empty(await kpis.GetLatestSamplesAsync(T0.AddMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task Retention_removes_kpi_samples_older_than_their_own_cutoff()
    {
        await using var store = await OpenAsync();
        var now = T0.AddDays(50);
        await store.Kpis.AddSamplesAsync([Sample("p99", now.AddDays(-40), 1), Sample("p99", now.AddDays(-10), 2), Sample("p99", now.AddMinutes(-1), 3)], CancellationToken.None);

        var results = await store.ApplyRetentionAsync(RetentionPolicy.For(new StorageOptions { RetentionDays = 7, KpiRetentionDays = 35 }, now), CancellationToken.None);

        // Older than the raw retention (7 days) but within the KPI retention (35 days): kept.
        Assert.Equal([2.0, 3.0], (await store.Kpis.GetSamplesAsync("p99", T0, now, 100, CancellationToken.None)).Select(s => s.Measurement.Value!.Value));
        Assert.Equal(1, Assert.Single(results, r => r.Table == "kpi_samples").RowsDeleted);
    }

    [Fact]
    public async Task A_baseline_is_replaced_and_load_tests_are_kept()
    {
        await using var store = await OpenAsync();
        var kpis = store.Kpis;
        Assert.Null(await kpis.GetAsync("cost_per_request", CancellationToken.None));

        await kpis.SetBaselineAsync(new KpiBaseline("cost_per_request", 0.01, T0, T0.AddHours(-1), T0, 1, "admin"), CancellationToken.None);
        await kpis.SetBaselineAsync(new KpiBaseline("cost_per_request", 0.02, T0.AddDays(1), T0.AddDays(1).AddHours(-1), T0.AddDays(1), null, "sre"), CancellationToken.None);
        await kpis.AddLoadTestAsync(new LoadTestRecord("lt-1", 2, 3000, T0, T0.AddMinutes(30), "3K users, phase 2 profile", "sre", T0.AddMinutes(31)), CancellationToken.None);

        Assert.Equal(new KpiBaseline("cost_per_request", 0.02, T0.AddDays(1), T0.AddDays(1).AddHours(-1), T0.AddDays(1), null, "sre"),
            await kpis.GetAsync("cost_per_request", CancellationToken.None));
        Assert.Single(await kpis.GetBaselinesAsync(CancellationToken.None));
        Assert.Equal([new LoadTestRecord("lt-1", 2, 3000, T0, T0.AddMinutes(30), "3K users, phase 2 profile", "sre", T0.AddMinutes(31))],
            await kpis.GetLoadTestsAsync(CancellationToken.None));
    }
}

public sealed class SqliteKpiStoreTests : KpiStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("obs-kpis-").FullName;

    protected override Task<ITelemetryStore> OpenAsync() => TestStores.SqliteAsync(_folder, "kpis.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class PostgresKpiStoreTests(PostgresServer server) : KpiStoreContract, IClassFixture<PostgresServer>
{
    protected override Task<ITelemetryStore> OpenAsync() => TestStores.PostgresAsync(server, "kpis_");
}

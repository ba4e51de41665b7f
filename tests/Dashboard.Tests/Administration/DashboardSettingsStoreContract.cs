using Observability.Core.Alerting.Notifications;
using Observability.Core.Kpis;
using Observability.Core.Storage;
using Observability.Core.Storage.Postgres;
using Observability.Core.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Observability.Tests.Shared;

namespace Observability.Dashboard.Tests.Administration;

/// <summary>What is set on the dashboard and kept in the telemetry database (webhook receivers, the cost) is stored alike in both stores.</summary>
public abstract class DashboardSettingsStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);
    private ITelemetryStore _store = null!;

    protected abstract Task<ITelemetryStore> CreateStoreAsync();

    protected virtual void DeleteStore()
    {
    }

    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        await _store.InitializeAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        DeleteStore();
    }

    [Fact]
    public async Task Receivers_come_back_by_name_with_every_field_and_a_name_is_taken_whatever_its_case()
    {
        var receivers = _store.WebhookReceivers;
        var ops = new StoredWebhookReceiver("ops", "https://hooks.example.org/alerts", "s3cret", ["service", "alertname"], "alice", At);
        var audit = new StoredWebhookReceiver("Audit", "http://127.0.0.1:9000/hook", "other", [], "bob", At.AddMinutes(1));

        Assert.True(await receivers.AddAsync(ops, CancellationToken.None));
        Assert.True(await receivers.AddAsync(audit, CancellationToken.None));
        Assert.False(await receivers.AddAsync(ops with { Name = "OPS", Url = "https://elsewhere.example.org" }, CancellationToken.None));

        var all = await receivers.GetAllAsync(CancellationToken.None);
        Assert.Equal(["Audit", "ops"], all.Select(r => r.Name));
        Assert.Equal((audit.Url, audit.Secret, audit.CreatedBy, audit.CreatedAt), (all[0].Url, all[0].Secret, all[0].CreatedBy, all[0].CreatedAt));
        Assert.Empty(all[0].GroupBy);
        Assert.Equal(["service", "alertname"], all[1].GroupBy);
        Assert.Equal("https://hooks.example.org/alerts", all[1].Url);
    }

    [Fact]
    public async Task A_removed_receiver_is_gone_and_removing_it_again_says_so()
    {
        var receivers = _store.WebhookReceivers;
        await receivers.AddAsync(new StoredWebhookReceiver("ops", "https://hooks.example.org/alerts", "s3cret", [], "alice", At), CancellationToken.None);

        Assert.True(await receivers.DeleteAsync("OPS", CancellationToken.None));
        Assert.False(await receivers.DeleteAsync("ops", CancellationToken.None));
        Assert.Empty(await receivers.GetAllAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Cost_settings_come_back_newest_first_with_exact_figures_and_a_return_to_the_configuration()
    {
        var settings = _store.CostSettings;
        Assert.Empty(await settings.GetRecentAsync(5, CancellationToken.None));

        await settings.AddAsync(new CostSetting(4200.10m, "alice", At), CancellationToken.None);
        await settings.AddAsync(new CostSetting(null, "bob", At.AddMinutes(2)), CancellationToken.None);
        await settings.AddAsync(new CostSetting(0.01m, "carol", At.AddMinutes(1)), CancellationToken.None);

        var recent = await settings.GetRecentAsync(5, CancellationToken.None);
        Assert.Equal([(null, "bob", At.AddMinutes(2)), (0.01m, "carol", At.AddMinutes(1)), (4200.10m, "alice", At)],
            recent.Select(s => (s.MonthlyUsd, s.SetBy, s.SetAt)));
        Assert.Equal("4200.10", recent[2].MonthlyUsd!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Single(await settings.GetRecentAsync(1, CancellationToken.None));
    }
}

/// <summary>The embedded store.</summary>
public sealed class SqliteDashboardSettingsStoreTests : DashboardSettingsStoreContract
{
    private readonly string _folder = Directory.CreateTempSubdirectory("obs-settings-").FullName;

    protected override Task<ITelemetryStore> CreateStoreAsync() => Task.FromResult<ITelemetryStore>(
        new SqliteTelemetryStore(new SqliteStorageOptions { Path = Path.Combine(_folder, "test.db") }, NullLogger<SqliteTelemetryStore>.Instance));

    protected override void DeleteStore() => Directory.Delete(_folder, recursive: true);
}

/// <summary>PostgreSQL, a real server started by the fixture; a database per test.</summary>
public sealed class PostgresDashboardSettingsStoreTests(PostgresServer server) : DashboardSettingsStoreContract, IClassFixture<PostgresServer>
{
    protected override async Task<ITelemetryStore> CreateStoreAsync() => new PostgresTelemetryStore(
        await server.CreateDatabaseAsync("settings_" + Guid.NewGuid().ToString("N")[..12]), NullLogger<PostgresTelemetryStore>.Instance);
}

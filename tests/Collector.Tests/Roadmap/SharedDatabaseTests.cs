using Npgsql;
using Observability.Collector.Tests.Infrastructure;
using Observability.Tests.Shared;

namespace Observability.Collector.Tests.Roadmap;

/// <summary>Two Collector processes on one PostgreSQL database: every KPI tick is computed once, by one of them.</summary>
public sealed class SharedDatabaseTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task Two_collectors_sharing_a_database_compute_each_kpi_tick_once()
    {
        using var storage = await TestStorage.PostgresAsync(server);
        await using var first = await CollectorProcess.StartAsync(storage);
        await using var second = await CollectorProcess.StartAsync(storage);
        var connectionString = storage.Settings["ConnectionStrings:Postgres"]!;
        await using var database = NpgsqlDataSource.Create(connectionString);

        // Wait for four ticks (a minute at the default 15 s) with both Collectors running.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        long ticks;
        do
        {
            await Task.Delay(1000);
            ticks = await ScalarAsync(database, "SELECT count(DISTINCT measured_at_unix_nano) FROM kpi_samples;");
        }
        while (ticks < 4 && DateTime.UtcNow < deadline);
        Assert.True(ticks >= 4, $"only {ticks} KPI ticks in 120 s\n{first.Output}\n{second.Output}");

        // One Hangfire job per occurrence of the recurring KPI job, whichever Collector ran it; one sample per KPI and tick.
        var servers = await ScalarAsync(database, "SELECT count(*) FROM hangfire.server;");
        var jobs = await ScalarAsync(database, "SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%KpiJob%';");
        var tickedAfter = await ScalarAsync(database, "SELECT count(DISTINCT measured_at_unix_nano) FROM kpi_samples;");
        var kpisPerTick = await ScalarAsync(database, "SELECT max(n) FROM (SELECT count(*) AS n FROM kpi_samples GROUP BY kpi_id, window_seconds, measured_at_unix_nano) s;");
        Assert.Equal(2, servers);
        Assert.InRange(jobs, tickedAfter, tickedAfter + 1);
        Assert.Equal(1, kpisPerTick);
    }

    [Fact]
    public async Task A_collector_starts_while_a_killed_peer_still_holds_a_recurring_jobs_lock()
    {
        using var storage = await TestStorage.PostgresAsync(server);
        await using (var first = await CollectorProcess.StartAsync(storage))
        {
            // The tables exist once one Collector has run.
        }
        var connectionString = storage.Settings["ConnectionStrings:Postgres"]!;
        await using var database = NpgsqlDataSource.Create(connectionString);
        // What a Collector killed while registering or triggering the KPI job leaves behind: Hangfire.PostgreSql's lock
        // row, honoured until its lock timeout (10 minutes by default). The first Collector may itself have been stopped
        // while holding it, so the row may already be there: refresh it either way.
        await using (var command = database.CreateCommand(
            "INSERT INTO hangfire.lock (resource, updatecount, acquired) VALUES ('hangfire:lock:recurring-job:roadmap-kpis', 0, now() AT TIME ZONE 'UTC') "
            + "ON CONFLICT (resource) DO UPDATE SET acquired = EXCLUDED.acquired;"))
        {
            await command.ExecuteNonQueryAsync();
        }

        // Before: the start failed on the lock's timeout ("Hosting failed to start", exit 134) and the Collector was gone.
        await using var second = await CollectorProcess.StartAsync(storage);

        // The console logger writes on its own thread: the warning may reach the output just after readiness.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!second.Output.Contains("could not be registered yet", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.Contains("could not be registered yet", second.Output);
        using var http = new HttpClient { BaseAddress = new Uri(second.ApiUrl) };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}

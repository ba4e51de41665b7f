using System.Globalization;
using System.Text.Json;
using Observability.Core.Sla;
using Observability.Core.Telemetry;

namespace Observability.Core.Storage;

/// <summary>Daily probe tallies and monthly SLA reports: schema and SQL shared by both stores.</summary>
internal sealed class SlaTables(SqlExecutor sql) : ISlaStore
{
    /// <summary>Schema migration 5 in both stores.</summary>
    public static string Schema(string integer, string text) => $"""
        CREATE TABLE sla_probe_days (
            day {text} NOT NULL,
            probe {text} NOT NULL,
            checks {integer} NOT NULL,
            passed {integer} NOT NULL,
            PRIMARY KEY (day, probe)
        );
        CREATE TABLE sla_reports (
            month {text} PRIMARY KEY,
            computed_at_unix_nano {integer} NOT NULL,
            final {integer} NOT NULL,
            report {text} NOT NULL
        );
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public async Task SaveProbeDaysAsync(IReadOnlyCollection<ProbeDayTally> tallies, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync([.. tallies.Select(tally => ("""
            INSERT INTO sla_probe_days (day, probe, checks, passed) VALUES ($1, $2, $3, $4)
            ON CONFLICT (day, probe) DO UPDATE SET checks = excluded.checks, passed = excluded.passed;
            """, (IReadOnlyList<object?>)[Day(tally.Day), tally.Probe, tally.Checks, tally.Passed]))], cancellationToken);

    public async Task<IReadOnlyList<ProbeDayTally>> GetProbeDaysAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        await sql.ReadAsync("SELECT day, probe, checks, passed FROM sla_probe_days WHERE day >= $1 AND day < $2 ORDER BY day, probe;",
            [Day(from), Day(to)], reader => new ProbeDayTally(
                DateOnly.ParseExact(reader.GetString(0), "yyyy-MM-dd", CultureInfo.InvariantCulture), reader.GetString(1),
                reader.GetInt64(2), reader.GetInt64(3)), cancellationToken);

    public async Task SaveReportAsync(SlaReport report, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync("""
            INSERT INTO sla_reports (month, computed_at_unix_nano, final, report) VALUES ($1, $2, $3, $4)
            ON CONFLICT (month) DO UPDATE SET computed_at_unix_nano = excluded.computed_at_unix_nano, final = excluded.final, report = excluded.report;
            """, [report.Month, UnixTime.Nanos(report.ComputedAt), report.Final ? 1L : 0L, JsonSerializer.Serialize(report, Json)], cancellationToken);

    public async Task<SlaReport?> GetReportAsync(string month, CancellationToken cancellationToken) =>
        (await sql.ReadAsync("SELECT report FROM sla_reports WHERE month = $1;", [month],
            reader => JsonSerializer.Deserialize<SlaReport>(reader.GetString(0), Json)!, cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<string>> GetReportMonthsAsync(CancellationToken cancellationToken) =>
        await sql.ReadAsync("SELECT month FROM sla_reports ORDER BY month DESC;", [], reader => reader.GetString(0), cancellationToken);
}

using System.Data.Common;
using Observability.Core.Kpis;
using Observability.Core.Telemetry;

namespace Observability.Core.Storage;

/// <summary>The KPI tables' schema and SQL, shared by both stores through their <see cref="SqlExecutor"/>.</summary>
internal sealed class KpiTables(SqlExecutor sql) : IKpiStore
{
    /// <summary>Schema migration 3 in both stores, with each store's column types.</summary>
    public static string Schema(string integer, string real, string text) => $"""
        CREATE TABLE kpi_samples (
            kpi_id {text} NOT NULL,
            window_seconds {integer} NOT NULL,
            measured_at_unix_nano {integer} NOT NULL,
            value {real},
            unit {text} NOT NULL,
            no_data_reason {text},
            detail {text},
            PRIMARY KEY (kpi_id, window_seconds, measured_at_unix_nano)
        );
        CREATE INDEX ix_kpi_samples_measured_at ON kpi_samples (measured_at_unix_nano);
        CREATE TABLE kpi_baselines (
            kpi_id {text} PRIMARY KEY,
            value {real} NOT NULL,
            recorded_at_unix_nano {integer} NOT NULL,
            from_unix_nano {integer} NOT NULL,
            to_unix_nano {integer} NOT NULL,
            phase {integer},
            recorded_by {text} NOT NULL
        );
        CREATE TABLE load_tests (
            id {text} PRIMARY KEY,
            phase {integer} NOT NULL,
            users {integer} NOT NULL,
            started_at_unix_nano {integer} NOT NULL,
            ended_at_unix_nano {integer} NOT NULL,
            note {text} NOT NULL,
            recorded_by {text} NOT NULL,
            recorded_at_unix_nano {integer} NOT NULL
        );
        """;

    private const string SampleColumns = "kpi_id, window_seconds, measured_at_unix_nano, value, unit, no_data_reason, detail";

    public Task<int> AddSamplesAsync(IReadOnlyCollection<KpiSample> samples, CancellationToken cancellationToken) =>
        sql.ExecuteAsync([.. samples.Select(sample => ($"""
            INSERT INTO kpi_samples ({SampleColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (kpi_id, window_seconds, measured_at_unix_nano) DO NOTHING;
            """, (IReadOnlyList<object?>)[
                sample.KpiId, (long)sample.Window.TotalSeconds, UnixTime.Nanos(sample.MeasuredAt), sample.Measurement.Value,
                sample.Measurement.Unit, sample.Measurement.NoDataReason, sample.Measurement.Detail]))], cancellationToken);

    public async Task<IReadOnlyList<KpiSample>> GetSamplesAsync(string kpiId, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken) =>
        await sql.ReadAsync($"""
            SELECT {SampleColumns} FROM kpi_samples
            WHERE kpi_id = $1 AND measured_at_unix_nano >= $2 AND measured_at_unix_nano < $3
            ORDER BY measured_at_unix_nano LIMIT $4;
            """, [kpiId, UnixTime.Nanos(from), UnixTime.Nanos(to), limit], ReadSample, cancellationToken);

    public async Task<IReadOnlyList<KpiSample>> GetLatestSamplesAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        await sql.ReadAsync($"""
            SELECT {SampleColumns} FROM kpi_samples s
            WHERE measured_at_unix_nano >= $1 AND measured_at_unix_nano = (
                SELECT max(measured_at_unix_nano) FROM kpi_samples l WHERE l.kpi_id = s.kpi_id AND l.measured_at_unix_nano >= $1)
            ORDER BY kpi_id, window_seconds;
            """, [UnixTime.Nanos(since)], ReadSample, cancellationToken);

    public async Task SetBaselineAsync(KpiBaseline baseline, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync([("""
            INSERT INTO kpi_baselines (kpi_id, value, recorded_at_unix_nano, from_unix_nano, to_unix_nano, phase, recorded_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (kpi_id) DO UPDATE SET value = excluded.value, recorded_at_unix_nano = excluded.recorded_at_unix_nano,
                from_unix_nano = excluded.from_unix_nano, to_unix_nano = excluded.to_unix_nano, phase = excluded.phase, recorded_by = excluded.recorded_by;
            """, [baseline.KpiId, baseline.Value, UnixTime.Nanos(baseline.RecordedAt), UnixTime.Nanos(baseline.From), UnixTime.Nanos(baseline.To),
                baseline.Phase is { } phase ? (long)phase : null, baseline.RecordedBy])], cancellationToken);

    public async Task<KpiBaseline?> GetAsync(string kpiId, CancellationToken cancellationToken) =>
        (await sql.ReadAsync(BaselineQuery + " WHERE kpi_id = $1;", [kpiId], ReadBaseline, cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<KpiBaseline>> GetBaselinesAsync(CancellationToken cancellationToken) =>
        await sql.ReadAsync(BaselineQuery + " ORDER BY kpi_id;", [], ReadBaseline, cancellationToken);

    public async Task AddLoadTestAsync(LoadTestRecord loadTest, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync([("""
            INSERT INTO load_tests (id, phase, users, started_at_unix_nano, ended_at_unix_nano, note, recorded_by, recorded_at_unix_nano)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8);
            """, [loadTest.Id, (long)loadTest.Phase, (long)loadTest.Users, UnixTime.Nanos(loadTest.StartedAt), UnixTime.Nanos(loadTest.EndedAt),
                loadTest.Note, loadTest.RecordedBy, UnixTime.Nanos(loadTest.RecordedAt)])], cancellationToken);

    public async Task<IReadOnlyList<LoadTestRecord>> GetLoadTestsAsync(CancellationToken cancellationToken) =>
        await sql.ReadAsync("""
            SELECT id, phase, users, started_at_unix_nano, ended_at_unix_nano, note, recorded_by, recorded_at_unix_nano
            FROM load_tests ORDER BY started_at_unix_nano;
            """, [], reader => new LoadTestRecord(
                reader.GetString(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2), Time(reader, 3), Time(reader, 4),
                reader.GetString(5), reader.GetString(6), Time(reader, 7)), cancellationToken);

    private const string BaselineQuery = "SELECT kpi_id, value, recorded_at_unix_nano, from_unix_nano, to_unix_nano, phase, recorded_by FROM kpi_baselines";

    private static KpiSample ReadSample(DbDataReader reader)
    {
        var to = Time(reader, 2);
        return new KpiSample(new KpiMeasurement(
            reader.GetString(0),
            to - TimeSpan.FromSeconds(reader.GetInt64(1)),
            to,
            reader.IsDBNull(3) ? null : reader.GetDouble(3),
            reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.IsDBNull(6) ? null : reader.GetString(6)));
    }

    private static KpiBaseline ReadBaseline(DbDataReader reader) => new(
        reader.GetString(0), reader.GetDouble(1), Time(reader, 2), Time(reader, 3), Time(reader, 4),
        reader.IsDBNull(5) ? null : (int)reader.GetInt64(5), reader.GetString(6));

    private static DateTimeOffset Time(DbDataReader reader, int ordinal) => UnixTime.ToDateTimeOffset(reader.GetInt64(ordinal));
}

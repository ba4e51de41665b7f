using System.Data.Common;
using System.Text.Json;
using Observability.Core.Alerting;
using Observability.Core.Kpis;
using Observability.Core.Telemetry;

namespace Observability.Core.Storage;

/// <summary>
/// Alerting's tables (alert states, aggregation groups, silences, the webhook outbox and its attempts, incidents and
/// their audit log): schema and SQL shared by both stores through their <see cref="SqlExecutor"/>.
/// </summary>
internal sealed partial class AlertingTables(SqlExecutor sql) : IAlertingStore
{
    /// <summary>Schema migration 4 in both stores, with each store's column types.</summary>
    public static string Schema(string integer, string real, string text) => $"""
        CREATE TABLE alert_states (
            fingerprint {text} PRIMARY KEY,
            rule_name {text} NOT NULL,
            labels {text} NOT NULL,
            annotations {text} NOT NULL,
            state {text} NOT NULL,
            active_since_unix_nano {integer},
            firing_since_unix_nano {integer},
            resolved_at_unix_nano {integer},
            value {real},
            evaluated_at_unix_nano {integer} NOT NULL,
            impact_start_unix_nano {integer},
            acknowledged_by {text},
            acknowledged_at_unix_nano {integer}
        );
        CREATE TABLE alert_groups (
            receiver {text} NOT NULL,
            group_key {text} NOT NULL,
            state {text} NOT NULL,
            updated_at_unix_nano {integer} NOT NULL,
            PRIMARY KEY (receiver, group_key)
        );
        CREATE TABLE silences (
            id {text} PRIMARY KEY,
            matchers {text} NOT NULL,
            starts_at_unix_nano {integer} NOT NULL,
            ends_at_unix_nano {integer} NOT NULL,
            created_by {text} NOT NULL,
            comment {text} NOT NULL,
            created_at_unix_nano {integer} NOT NULL
        );
        CREATE TABLE notifications (
            id {text} PRIMARY KEY,
            receiver {text} NOT NULL,
            group_key {text} NOT NULL,
            idempotency_key {text} NOT NULL UNIQUE,
            status {text} NOT NULL,
            payload {text} NOT NULL,
            delivery {text} NOT NULL,
            attempts {integer} NOT NULL,
            created_at_unix_nano {integer} NOT NULL,
            next_attempt_at_unix_nano {integer},
            delivered_at_unix_nano {integer},
            last_error {text}
        );
        CREATE INDEX ix_notifications_due ON notifications (delivery, next_attempt_at_unix_nano);
        CREATE INDEX ix_notifications_created ON notifications (created_at_unix_nano);
        CREATE TABLE notification_attempts (
            notification_id {text} NOT NULL,
            attempt {integer} NOT NULL,
            at_unix_nano {integer} NOT NULL,
            status_code {integer},
            latency_ms {real} NOT NULL,
            error {text},
            PRIMARY KEY (notification_id, attempt)
        );
        CREATE TABLE incidents (
            id {text} PRIMARY KEY,
            service {text} NOT NULL,
            title {text} NOT NULL,
            severity {text} NOT NULL,
            impact_start_unix_nano {integer} NOT NULL,
            detected_at_unix_nano {integer} NOT NULL,
            notified_at_unix_nano {integer},
            acknowledged_at_unix_nano {integer},
            mitigated_at_unix_nano {integer},
            resolved_at_unix_nano {integer},
            opened_by {text} NOT NULL,
            alert_fingerprints {text} NOT NULL
        );
        CREATE INDEX ix_incidents_detected ON incidents (detected_at_unix_nano);
        CREATE TABLE incident_events (
            incident_id {text} NOT NULL,
            seq {integer} NOT NULL,
            at_unix_nano {integer} NOT NULL,
            kind {text} NOT NULL,
            step {text},
            old_value_unix_nano {integer},
            new_value_unix_nano {integer},
            author {text} NOT NULL,
            note {text} NOT NULL,
            PRIMARY KEY (incident_id, seq)
        );
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static string ToJson<T>(T value) => JsonSerializer.Serialize(value, Json);

    private static T FromJson<T>(string json) => JsonSerializer.Deserialize<T>(json, Json)!;

    private static long? Nanos(DateTimeOffset? time) => time is { } value ? UnixTime.Nanos(value) : null;

    private static DateTimeOffset Time(DbDataReader reader, int ordinal) => UnixTime.ToDateTimeOffset(reader.GetInt64(ordinal));

    private static DateTimeOffset? OptionalTime(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Time(reader, ordinal);

    private static string? OptionalString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    // ---- alert states and groups ----

    private const string AlertColumns = """
        fingerprint, rule_name, labels, annotations, state, active_since_unix_nano, firing_since_unix_nano, resolved_at_unix_nano,
        value, evaluated_at_unix_nano, impact_start_unix_nano, acknowledged_by, acknowledged_at_unix_nano
        """;

    public async Task<IReadOnlyList<AlertInstance>> GetAlertsAsync(CancellationToken cancellationToken) =>
        await sql.ReadAsync($"SELECT {AlertColumns} FROM alert_states ORDER BY fingerprint;", [], reader => new AlertInstance(
            reader.GetString(0), reader.GetString(1),
            FromJson<SortedDictionary<string, string>>(reader.GetString(2)), FromJson<SortedDictionary<string, string>>(reader.GetString(3)),
            Enum.Parse<AlertState>(reader.GetString(4), ignoreCase: true),
            OptionalTime(reader, 5), OptionalTime(reader, 6), OptionalTime(reader, 7),
            reader.IsDBNull(8) ? null : reader.GetDouble(8), Time(reader, 9), OptionalTime(reader, 10),
            OptionalString(reader, 11), OptionalTime(reader, 12)), cancellationToken);

    public async Task SaveAlertsAsync(IReadOnlyCollection<AlertInstance> alerts, IReadOnlyCollection<string> deleted, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync([
            .. deleted.Select(fingerprint => ("DELETE FROM alert_states WHERE fingerprint = $1;", (IReadOnlyList<object?>)[fingerprint])),
            .. alerts.Select(alert => ($"""
                INSERT INTO alert_states ({AlertColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                ON CONFLICT (fingerprint) DO UPDATE SET rule_name = excluded.rule_name, labels = excluded.labels,
                    annotations = excluded.annotations, state = excluded.state, active_since_unix_nano = excluded.active_since_unix_nano,
                    firing_since_unix_nano = excluded.firing_since_unix_nano, resolved_at_unix_nano = excluded.resolved_at_unix_nano,
                    value = excluded.value, evaluated_at_unix_nano = excluded.evaluated_at_unix_nano,
                    impact_start_unix_nano = excluded.impact_start_unix_nano,
                    acknowledged_by = CASE WHEN excluded.firing_since_unix_nano IS NOT DISTINCT FROM alert_states.firing_since_unix_nano
                        THEN coalesce(excluded.acknowledged_by, alert_states.acknowledged_by) ELSE excluded.acknowledged_by END,
                    acknowledged_at_unix_nano = CASE WHEN excluded.firing_since_unix_nano IS NOT DISTINCT FROM alert_states.firing_since_unix_nano
                        THEN coalesce(excluded.acknowledged_at_unix_nano, alert_states.acknowledged_at_unix_nano) ELSE excluded.acknowledged_at_unix_nano END;
                """, (IReadOnlyList<object?>)[
                    alert.Fingerprint, alert.RuleName, ToJson(new SortedDictionary<string, string>(alert.Labels.ToDictionary(), StringComparer.Ordinal)),
                    ToJson(new SortedDictionary<string, string>(alert.Annotations.ToDictionary(), StringComparer.Ordinal)),
                    alert.State.ToString().ToLowerInvariant(), Nanos(alert.ActiveSince), Nanos(alert.FiringSince), Nanos(alert.ResolvedAt),
                    alert.Value is { } value && double.IsFinite(value) ? value : null, UnixTime.Nanos(alert.EvaluatedAt), Nanos(alert.ImpactStart),
                    alert.AcknowledgedBy, Nanos(alert.AcknowledgedAt)]))], cancellationToken);

    public async Task<bool> AcknowledgeAsync(string fingerprint, string by, DateTimeOffset at, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync("""
            UPDATE alert_states SET acknowledged_by = $2, acknowledged_at_unix_nano = $3
            WHERE fingerprint = $1 AND state = 'firing' AND acknowledged_by IS NULL;
            """, [fingerprint, by, UnixTime.Nanos(at)], cancellationToken) > 0;

    public async Task<IReadOnlyList<AlertGroupRecord>> GetGroupsAsync(CancellationToken cancellationToken) =>
        await sql.ReadAsync("SELECT receiver, group_key, state, updated_at_unix_nano FROM alert_groups ORDER BY receiver, group_key;", [],
            reader => new AlertGroupRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), Time(reader, 3)), cancellationToken);

    public async Task SaveGroupsAsync(IReadOnlyCollection<AlertGroupRecord> groups, IReadOnlyCollection<(string Receiver, string GroupKey)> deleted, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync([
            .. deleted.Select(group => ("DELETE FROM alert_groups WHERE receiver = $1 AND group_key = $2;", (IReadOnlyList<object?>)[group.Receiver, group.GroupKey])),
            .. groups.Select(group => ("""
                INSERT INTO alert_groups (receiver, group_key, state, updated_at_unix_nano) VALUES ($1, $2, $3, $4)
                ON CONFLICT (receiver, group_key) DO UPDATE SET state = excluded.state, updated_at_unix_nano = excluded.updated_at_unix_nano;
                """, (IReadOnlyList<object?>)[group.Receiver, group.GroupKey, group.State, UnixTime.Nanos(group.UpdatedAt)]))], cancellationToken);

    // ---- silences ----

    public async Task AddSilenceAsync(Silence silence, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync("""
            INSERT INTO silences (id, matchers, starts_at_unix_nano, ends_at_unix_nano, created_by, comment, created_at_unix_nano)
            VALUES ($1, $2, $3, $4, $5, $6, $7);
            """, [silence.Id, ToJson(silence.Matchers), UnixTime.Nanos(silence.StartsAt), UnixTime.Nanos(silence.EndsAt),
                silence.CreatedBy, silence.Comment, UnixTime.Nanos(silence.CreatedAt)], cancellationToken);

    public async Task<IReadOnlyList<Silence>> GetSilencesAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        await sql.ReadAsync("""
            SELECT id, matchers, starts_at_unix_nano, ends_at_unix_nano, created_by, comment, created_at_unix_nano
            FROM silences WHERE ends_at_unix_nano >= $1 ORDER BY created_at_unix_nano DESC;
            """, [UnixTime.Nanos(since)], reader => new Silence(
                reader.GetString(0), FromJson<List<LabelMatcher>>(reader.GetString(1)), Time(reader, 2), Time(reader, 3),
                reader.GetString(4), reader.GetString(5), Time(reader, 6)), cancellationToken);

    public async Task<bool> ExpireSilenceAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync("UPDATE silences SET ends_at_unix_nano = $2 WHERE id = $1 AND ends_at_unix_nano > $2;",
            [id, UnixTime.Nanos(at)], cancellationToken) > 0;
}

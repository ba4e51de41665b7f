using System.Data.Common;
using Observability.Core.Alerting;
using Observability.Core.Kpis;
using Observability.Core.Telemetry;

namespace Observability.Core.Storage;

/// <summary>Incidents and their audit log.</summary>
internal sealed partial class AlertingTables
{
    private const string IncidentColumns = """
        id, service, title, severity, impact_start_unix_nano, detected_at_unix_nano, notified_at_unix_nano,
        acknowledged_at_unix_nano, mitigated_at_unix_nano, resolved_at_unix_nano, opened_by, alert_fingerprints
        """;

    public async Task AddIncidentAsync(Incident incident, IncidentEvent opened, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync([
            ($"INSERT INTO incidents ({IncidentColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);", IncidentValues(incident)),
            .. EventStatements(incident.Id, [opened]),
        ], cancellationToken);

    public async Task UpdateIncidentAsync(Incident incident, IReadOnlyCollection<IncidentEvent> events, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync([
            ("""
             UPDATE incidents SET service = $2, title = $3, severity = $4, impact_start_unix_nano = $5, detected_at_unix_nano = $6,
                 notified_at_unix_nano = $7, acknowledged_at_unix_nano = $8, mitigated_at_unix_nano = $9, resolved_at_unix_nano = $10,
                 opened_by = $11, alert_fingerprints = $12
             WHERE id = $1;
             """, IncidentValues(incident)),
            .. EventStatements(incident.Id, events),
        ], cancellationToken);

    public async Task<Incident?> GetIncidentAsync(string id, CancellationToken cancellationToken) =>
        (await sql.ReadAsync($"SELECT {IncidentColumns} FROM incidents WHERE id = $1;", [id], ReadIncident, cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<Incident>> GetIncidentsAsync(DateTimeOffset? from, DateTimeOffset? to, bool openOnly, int limit, CancellationToken cancellationToken) =>
        await sql.ReadAsync($"""
            SELECT {IncidentColumns} FROM incidents
            WHERE detected_at_unix_nano >= $1 AND detected_at_unix_nano < $2 AND ($3 = 0 OR resolved_at_unix_nano IS NULL)
            ORDER BY detected_at_unix_nano DESC LIMIT $4;
            """, [Nanos(from) ?? long.MinValue, Nanos(to) ?? long.MaxValue, openOnly ? 1L : 0L, (long)limit], ReadIncident, cancellationToken);

    public async Task<IReadOnlyList<IncidentEvent>> GetIncidentEventsAsync(string id, CancellationToken cancellationToken) =>
        await sql.ReadAsync("""
            SELECT incident_id, at_unix_nano, kind, step, old_value_unix_nano, new_value_unix_nano, author, note
            FROM incident_events WHERE incident_id = $1 ORDER BY seq;
            """, [id], reader => new IncidentEvent(
                reader.GetString(0), Time(reader, 1), reader.GetString(2), OptionalString(reader, 3), OptionalTime(reader, 4), OptionalTime(reader, 5),
                reader.GetString(6), reader.GetString(7)), cancellationToken);

    public async Task<IReadOnlyList<IncidentTimes>> DetectedBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        [.. (await GetIncidentsAsync(from, to, openOnly: false, int.MaxValue, cancellationToken))
            .OrderBy(incident => incident.DetectedAt)
            .Select(incident => new IncidentTimes(incident.Id, incident.ImpactStart, incident.DetectedAt, incident.ResolvedAt))];

    private static IReadOnlyList<object?> IncidentValues(Incident incident) =>
    [
        incident.Id, incident.Service, incident.Title, incident.Severity, UnixTime.Nanos(incident.ImpactStart), UnixTime.Nanos(incident.DetectedAt),
        Nanos(incident.NotifiedAt), Nanos(incident.AcknowledgedAt), Nanos(incident.MitigatedAt), Nanos(incident.ResolvedAt),
        incident.OpenedBy, ToJson(incident.AlertFingerprints),
    ];

    /// <summary>Events numbered after the incident's last one, inside the same transaction.</summary>
    private static IEnumerable<(string, IReadOnlyList<object?>)> EventStatements(string incidentId, IEnumerable<IncidentEvent> events) =>
        events.Select(entry => ("""
            INSERT INTO incident_events (incident_id, seq, at_unix_nano, kind, step, old_value_unix_nano, new_value_unix_nano, author, note)
            VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM incident_events WHERE incident_id = $1), $2, $3, $4, $5, $6, $7, $8);
            """, (IReadOnlyList<object?>)[incidentId, UnixTime.Nanos(entry.At), entry.Kind, entry.Step, Nanos(entry.OldValue), Nanos(entry.NewValue),
                entry.Author, entry.Note]));

    private static Incident ReadIncident(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), Time(reader, 4), Time(reader, 5),
        OptionalTime(reader, 6), OptionalTime(reader, 7), OptionalTime(reader, 8), OptionalTime(reader, 9), reader.GetString(10),
        FromJson<List<string>>(reader.GetString(11)));
}

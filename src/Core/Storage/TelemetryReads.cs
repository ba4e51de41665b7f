using System.Data.Common;
using Observability.Core.Telemetry;

namespace Observability.Core.Storage;

/// <summary>
/// The read queries and row mapping both stores share: the schema is the same on SQLite and PostgreSQL, and both
/// take positional parameters written <c>$1</c>, <c>$2</c>, ...
/// </summary>
internal static class TelemetryReads
{
    private const string ResourceAndScopeColumns =
        "r.service_name, r.attributes, r.dropped_attributes_count, r.schema_url, c.name, c.version, c.attributes, c.dropped_attributes_count, c.schema_url";

    private const string ResourceAndScopeJoins = "JOIN resources r ON r.id = s.resource_id JOIN scopes c ON c.id = s.scope_id";

    /// <summary>$1: trace id.</summary>
    public const string TraceQuery = $"""
        SELECT s.trace_id, s.span_id, s.parent_span_id, s.trace_state, s.flags, s.name, s.kind, s.start_unix_nano, s.end_unix_nano,
            s.status_code, s.status_message, s.attributes, s.dropped_attributes_count, s.events, s.dropped_events_count,
            s.links, s.dropped_links_count, {ResourceAndScopeColumns}
        FROM spans s {ResourceAndScopeJoins}
        WHERE s.trace_id = $1
        ORDER BY s.start_unix_nano;
        """;

    /// <summary>$1, $2: time range [from, to); $3: limit.</summary>
    public const string LogsQuery = $"""
        SELECT s.time_unix_nano, s.observed_time_unix_nano, s.severity_number, s.severity_text, s.body, s.attributes,
            s.dropped_attributes_count, s.flags, s.trace_id, s.span_id, s.event_name, {ResourceAndScopeColumns}
        FROM logs s {ResourceAndScopeJoins}
        WHERE s.timestamp_unix_nano >= $1 AND s.timestamp_unix_nano < $2
        ORDER BY s.timestamp_unix_nano
        LIMIT $3;
        """;

    /// <summary>$1: metric name; $2, $3: time range [from, to).</summary>
    public const string MetricPointsQuery = $"""
        SELECT s.metric_name, s.description, s.unit, s.metric_type, s.temporality, s.is_monotonic, s.attributes,
            s.start_time_unix_nano, s.time_unix_nano, s.flags, s.value_double, s.value_int, s.count, s.sum, s.min, s.max,
            s.data, s.exemplars, {ResourceAndScopeColumns}
        FROM metric_points s {ResourceAndScopeJoins}
        WHERE s.metric_name = $1 AND s.time_unix_nano >= $2 AND s.time_unix_nano < $3
        ORDER BY s.time_unix_nano;
        """;

    public const string CountsQuery = "SELECT (SELECT count(*) FROM spans), (SELECT count(*) FROM logs), (SELECT count(*) FROM metric_points);";

    public static SpanRecord ReadSpan(DbDataReader reader) => new()
    {
        TraceId = reader.GetFieldValue<byte[]>(0),
        SpanId = reader.GetFieldValue<byte[]>(1),
        ParentSpanId = reader.GetFieldValue<byte[]>(2),
        TraceState = reader.GetString(3),
        Flags = (uint)reader.GetInt64(4),
        Name = reader.GetString(5),
        Kind = (SpanKind)reader.GetInt32(6),
        StartUnixNanos = reader.GetInt64(7),
        EndUnixNanos = reader.GetInt64(8),
        StatusCode = (SpanStatusCode)reader.GetInt32(9),
        StatusMessage = reader.GetString(10),
        AttributesJson = reader.GetString(11),
        DroppedAttributesCount = (uint)reader.GetInt64(12),
        EventsJson = reader.GetString(13),
        DroppedEventsCount = (uint)reader.GetInt64(14),
        LinksJson = reader.GetString(15),
        DroppedLinksCount = (uint)reader.GetInt64(16),
        Resource = ReadResource(reader, 17),
        Scope = ReadScope(reader, 21),
    };

    public static LogRecord ReadLog(DbDataReader reader) => new()
    {
        TimeUnixNanos = reader.GetInt64(0),
        ObservedTimeUnixNanos = reader.GetInt64(1),
        SeverityNumber = reader.GetInt32(2),
        SeverityText = reader.GetString(3),
        BodyJson = reader.GetString(4),
        AttributesJson = reader.GetString(5),
        DroppedAttributesCount = (uint)reader.GetInt64(6),
        Flags = (uint)reader.GetInt64(7),
        TraceId = reader.GetFieldValue<byte[]>(8),
        SpanId = reader.GetFieldValue<byte[]>(9),
        EventName = reader.GetString(10),
        Resource = ReadResource(reader, 11),
        Scope = ReadScope(reader, 15),
    };

    public static MetricPointRecord ReadMetricPoint(DbDataReader reader) => new()
    {
        MetricName = reader.GetString(0),
        Description = reader.GetString(1),
        Unit = reader.GetString(2),
        Type = (MetricType)reader.GetInt32(3),
        Temporality = (AggregationTemporality)reader.GetInt32(4),
        IsMonotonic = reader.GetBoolean(5),
        AttributesJson = reader.GetString(6),
        StartTimeUnixNanos = reader.GetInt64(7),
        TimeUnixNanos = reader.GetInt64(8),
        Flags = (uint)reader.GetInt64(9),
        DoubleValue = reader.IsDBNull(10) ? null : reader.GetDouble(10),
        IntValue = reader.IsDBNull(11) ? null : reader.GetInt64(11),
        Count = reader.IsDBNull(12) ? null : (ulong)reader.GetInt64(12),
        Sum = reader.IsDBNull(13) ? null : reader.GetDouble(13),
        Min = reader.IsDBNull(14) ? null : reader.GetDouble(14),
        Max = reader.IsDBNull(15) ? null : reader.GetDouble(15),
        DataJson = reader.IsDBNull(16) ? null : reader.GetString(16),
        ExemplarsJson = reader.GetString(17),
        Resource = ReadResource(reader, 18),
        Scope = ReadScope(reader, 22),
    };

    /// <summary>Runs a read query and maps every row.</summary>
    public static async Task<IReadOnlyList<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }
        return rows;
    }

    public static async Task<TelemetryCounts> ReadCountsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new TelemetryCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static TelemetryResource ReadResource(DbDataReader reader, int at) =>
        new(reader.GetString(at), reader.GetString(at + 1), (uint)reader.GetInt64(at + 2), reader.GetString(at + 3));

    private static TelemetryScope ReadScope(DbDataReader reader, int at) =>
        new(reader.GetString(at), reader.GetString(at + 1), reader.GetString(at + 2), (uint)reader.GetInt64(at + 3), reader.GetString(at + 4));
}

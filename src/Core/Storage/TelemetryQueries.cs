using System.Data.Common;
using System.Text;
using Observability.Core.Telemetry;

namespace Observability.Core.Storage;

/// <summary>The SQL differences between the two stores that the shared queries need.</summary>
internal enum SqlDialect
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The <see cref="ITelemetryReader"/> queries both stores share. Everything a caller sends is a positional parameter
/// (<c>$1</c>, <c>$2</c>, ...), attribute keys included; only SQL text written here is ever concatenated. A store
/// supplies <see cref="ReadAsync{T}"/>, which runs one query on its own connections.
/// </summary>
internal abstract class TelemetryQueries(SqlDialect dialect)
{
    /// <summary>Trace ids per query when loading traces: keeps parameter lists and result sets moderate.</summary>
    internal const int TraceIdsPerQuery = 100;

    // The columns TelemetryReads.ReadSpan and ReadLog map, in their order.
    private const string ResourceAndScopeColumns =
        "r.service_name, r.attributes, r.dropped_attributes_count, r.schema_url, c.name, c.version, c.attributes, c.dropped_attributes_count, c.schema_url";

    private const string ResourceAndScopeJoins = "JOIN resources r ON r.id = s.resource_id JOIN scopes c ON c.id = s.scope_id";

    private const string SpanColumns = $"""
        s.trace_id, s.span_id, s.parent_span_id, s.trace_state, s.flags, s.name, s.kind, s.start_unix_nano, s.end_unix_nano,
            s.status_code, s.status_message, s.attributes, s.dropped_attributes_count, s.events, s.dropped_events_count,
            s.links, s.dropped_links_count, {ResourceAndScopeColumns}
        """;

    private const string LogColumns = $"""
        s.time_unix_nano, s.observed_time_unix_nano, s.severity_number, s.severity_text, s.body, s.attributes,
            s.dropped_attributes_count, s.flags, s.trace_id, s.span_id, s.event_name, {ResourceAndScopeColumns}
        """;

    protected SqlDialect Dialect { get; } = dialect;

    /// <summary>Runs one query with positional parameters and maps every row.</summary>
    protected abstract Task<List<T>> ReadAsync<T>(string sql, IReadOnlyList<object> parameters, Func<DbDataReader, T> map, CancellationToken cancellationToken);

    private Task<List<T>> ReadAsync<T>(Sql query, Func<DbDataReader, T> map, CancellationToken cancellationToken) =>
        ReadAsync(query.Text.ToString(), query.Parameters, map, cancellationToken);

    public async Task<IReadOnlyList<string>> GetServicesAsync(CancellationToken cancellationToken) =>
        await ReadAsync("SELECT DISTINCT service_name FROM span_operations ORDER BY service_name;", [], r => r.GetString(0), cancellationToken);

    public async Task<IReadOnlyList<SpanOperation>> GetOperationsAsync(string serviceName, SpanKind? kind, CancellationToken cancellationToken)
    {
        var query = new Sql(Dialect);
        query.Append($"SELECT service_name, name, kind FROM span_operations WHERE service_name = {query.Parameter(serviceName)}");
        if (kind is { } wanted)
        {
            query.Append($" AND kind = {query.Parameter((int)wanted)}");
        }
        query.Append(" ORDER BY name, kind;");
        return await ReadAsync(query, r => new SpanOperation(r.GetString(0), r.GetString(1), (SpanKind)r.GetInt32(2)), cancellationToken);
    }

    public async Task<IReadOnlyList<byte[]>> FindTraceIdsAsync(TraceSearch search, CancellationToken cancellationToken)
    {
        // Newest first through the (service_name, start_unix_nano) index, one bounded page at a time, until enough
        // distinct traces are found: a trace has many spans, so a page holds several per trace. The rows that share
        // the start time of a full page's last row are read whole by an equality query on the same index, so the next
        // page can start strictly below that time without skipping or repeating a row.
        var pageSize = Math.Clamp(search.Limit * 8, 200, 10_000);
        var found = new List<byte[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var upperBound = search.StartToUnixNanos;
        var upperInclusive = true;
        while (true)
        {
            var page = await ReadAsync(SpanSearch(search, upperBound, upperInclusive ? "<=" : "<", pageSize), ReadIdAndStart, cancellationToken);
            var full = page.Count == pageSize;
            if (full)
            {
                var lastStart = page[^1].Start;
                page.RemoveAll(row => row.Start == lastStart);
                page.AddRange(await ReadAsync(SpanSearch(search, lastStart, "=", null), ReadIdAndStart, cancellationToken));
                upperBound = lastStart;
                upperInclusive = false;
            }
            foreach (var (traceId, _) in page)
            {
                if (seen.Add(Convert.ToHexString(traceId)))
                {
                    found.Add(traceId);
                    if (found.Count == search.Limit)
                    {
                        return found;
                    }
                }
            }
            if (!full)
            {
                return found;
            }
        }
    }

    private static (byte[] TraceId, long Start) ReadIdAndStart(DbDataReader reader) => (reader.GetFieldValue<byte[]>(0), reader.GetInt64(1));

    /// <summary>Spans that match the search with start time <paramref name="comparison"/> <paramref name="bound"/>, newest first.</summary>
    private Sql SpanSearch(TraceSearch search, long bound, string comparison, int? limit)
    {
        var query = new Sql(Dialect);
        query.Append("SELECT s.trace_id, s.start_unix_nano FROM spans s");
        query.Append($" WHERE s.service_name = {query.Parameter(search.ServiceName)}");
        query.Append($" AND s.start_unix_nano >= {query.Parameter(search.StartFromUnixNanos)} AND s.start_unix_nano {comparison} {query.Parameter(bound)}");
        if (search.OperationName is { } operation)
        {
            query.Append($" AND s.name = {query.Parameter(operation)}");
        }
        if (search.MinDurationNanos is { } min)
        {
            query.Append($" AND s.duration_nano >= {query.Parameter(min)}");
        }
        if (search.MaxDurationNanos is { } max)
        {
            query.Append($" AND s.duration_nano <= {query.Parameter(max)}");
        }
        foreach (var (key, value) in search.Tags)
        {
            // Resources are few: the ones that match are found once, not joined and parsed for every span.
            var valueParameter = query.Parameter(value);
            query.Append($" AND ({query.AttributeText("s.attributes", key)} = {valueParameter}");
            query.Append($" OR s.resource_id IN (SELECT r.id FROM resources r WHERE {query.AttributeText("r.attributes", key)} = {valueParameter})");
            if (DerivedTagCondition(query, key, value, valueParameter) is { } derived)
            {
                query.Append($" OR {derived}");
            }
            query.Append(")");
        }
        query.Append(" ORDER BY s.start_unix_nano DESC");
        if (limit is { } rows)
        {
            query.Append($" LIMIT {query.Parameter(rows)}");
        }
        query.Append(';');
        return query;
    }

    /// <summary>The condition for a tag that Jaeger derives from a span field, or null when the key is not one.</summary>
    private static string? DerivedTagCondition(Sql query, string key, string value, string valueParameter)
    {
        switch (key)
        {
            case TraceSearchTags.Error:
                return value == "true" ? $"s.status_code = {(int)SpanStatusCode.Error}" : null;
            case TraceSearchTags.SpanKind:
                return TraceSearchTags.TryParseKind(value, out var kind) && value.Length > 0 ? $"s.kind = {query.Parameter((int)kind)}" : null;
            case TraceSearchTags.StatusCode:
                return value switch
                {
                    "OK" => $"s.status_code = {(int)SpanStatusCode.Ok}",
                    "ERROR" => $"s.status_code = {(int)SpanStatusCode.Error}",
                    _ => null,
                };
            case TraceSearchTags.StatusDescription:
                return $"s.status_message = {valueParameter}";
            case TraceSearchTags.ScopeName:
                return $"s.scope_id IN (SELECT c.id FROM scopes c WHERE c.name = {valueParameter})";
            case TraceSearchTags.ScopeVersion:
                return $"s.scope_id IN (SELECT c.id FROM scopes c WHERE c.version = {valueParameter})";
            case TraceSearchTags.TraceState:
                return $"s.trace_state = {valueParameter}";
            default:
                return null;
        }
    }

    public async Task<IReadOnlyList<SpanRecord>> GetTracesAsync(IReadOnlyCollection<byte[]> traceIds, CancellationToken cancellationToken)
    {
        var spans = new List<SpanRecord>();
        foreach (var chunk in traceIds.Chunk(TraceIdsPerQuery))
        {
            var query = new Sql(Dialect);
            query.Append($"SELECT {SpanColumns} FROM spans s {ResourceAndScopeJoins} WHERE s.trace_id IN (");
            query.Append(string.Join(", ", chunk.Select(id => query.Parameter(id))));
            query.Append(") ORDER BY s.trace_id, s.start_unix_nano;");
            spans.AddRange(await ReadAsync(query, TelemetryReads.ReadSpan, cancellationToken));
        }
        return spans;
    }

    public async Task<IReadOnlyList<LogRecord>> SearchLogsAsync(LogSearch search, CancellationToken cancellationToken)
    {
        var query = new Sql(Dialect);
        query.Append($"SELECT {LogColumns} FROM logs s {ResourceAndScopeJoins}");
        query.Append($" WHERE s.timestamp_unix_nano >= {query.Parameter(search.FromUnixNanos)} AND s.timestamp_unix_nano < {query.Parameter(search.ToUnixNanos)}");
        if (search.ServiceName is { } service)
        {
            query.Append($" AND s.service_name = {query.Parameter(service)}");
        }
        if (search.MinSeverityNumber is { } severity)
        {
            query.Append($" AND s.severity_number >= {query.Parameter(severity)}");
        }
        if (search.TraceId is { } traceId)
        {
            // Repeats the partial index's predicate: neither planner infers it from the equality.
            query.Append($" AND s.trace_id = {query.Parameter(traceId)} AND length(s.trace_id) > 0");
        }
        if (search.Text is { Length: > 0 } text)
        {
            var needle = query.Parameter(text);
            query.Append($" AND ({query.ContainsIgnoringCase(query.BodyText("s.body"), needle)} OR {query.AnyAttributeValueContains("s.attributes", needle)})");
        }
        query.Append($" ORDER BY s.timestamp_unix_nano DESC LIMIT {query.Parameter(search.Limit)};");
        return await ReadAsync(query, ReadLog, cancellationToken);
    }

    private static LogRecord ReadLog(DbDataReader reader) => TelemetryReads.ReadLog(reader);

    public async Task<IReadOnlyList<MetricDescriptor>> GetMetricDescriptorsAsync(CancellationToken cancellationToken) =>
        await ReadAsync(
            "SELECT metric_name, metric_type, unit, description FROM metric_descriptors ORDER BY metric_name, metric_type, unit;",
            [],
            r => new MetricDescriptor(r.GetString(0), (MetricType)r.GetInt32(1), r.GetString(2), r.GetString(3)),
            cancellationToken);

    public async Task<IReadOnlyList<MetricSeriesKey>> GetMetricSeriesAsync(string metricName, long fromUnixNanos, long toUnixNanos, int limit, CancellationToken cancellationToken)
    {
        var query = new Sql(Dialect);
        query.Append($"""
            SELECT DISTINCT s.service_name, {query.AttributeText("r.attributes", MetricSampleQuery.ServiceInstanceLabel)},
                {query.AttributeText("r.attributes", MetricSampleQuery.CloudRegionLabel)}, s.attributes
            FROM metric_points s LEFT JOIN resources r ON r.id = s.resource_id
            WHERE s.metric_name = {query.Parameter(metricName)} AND s.time_unix_nano >= {query.Parameter(fromUnixNanos)} AND s.time_unix_nano < {query.Parameter(toUnixNanos)}
            LIMIT {query.Parameter(limit)};
            """);
        return await ReadAsync(query, r => new MetricSeriesKey(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3)), cancellationToken);
    }

    public async Task<IReadOnlyList<MetricSample>> GetMetricSamplesAsync(MetricSampleQuery sampleQuery, CancellationToken cancellationToken)
    {
        var query = new Sql(Dialect);
        query.Append($"""
            SELECT s.service_name, s.attributes, s.metric_type, s.temporality, s.is_monotonic, s.start_time_unix_nano, s.time_unix_nano,
                s.value_double, s.value_int, s.count, s.sum, s.max, s.data, {query.AttributeText("r.attributes", MetricSampleQuery.ServiceInstanceLabel)},
                {query.AttributeText("r.attributes", MetricSampleQuery.CloudRegionLabel)}
            FROM metric_points s LEFT JOIN resources r ON r.id = s.resource_id
            """);
        query.Append($" WHERE s.metric_name = {query.Parameter(sampleQuery.MetricName)}");
        query.Append($" AND s.time_unix_nano >= {query.Parameter(sampleQuery.FromUnixNanos)} AND s.time_unix_nano < {query.Parameter(sampleQuery.ToUnixNanos)}");
        foreach (var (label, value) in sampleQuery.Matchers)
        {
            query.Append(label switch
            {
                MetricSampleQuery.ServiceNameLabel => $" AND s.service_name = {query.Parameter(value)}",
                MetricSampleQuery.ServiceInstanceLabel or MetricSampleQuery.CloudRegionLabel => $" AND {query.AttributeText("r.attributes", label)} = {query.Parameter(value)}",
                _ => $" AND {query.AttributeText("s.attributes", label)} = {query.Parameter(value)}",
            });
        }
        query.Append($" ORDER BY s.time_unix_nano LIMIT {query.Parameter(sampleQuery.Limit)};");
        return await ReadAsync(query, ReadSample, cancellationToken);
    }

    private static MetricSample ReadSample(DbDataReader reader) => new()
    {
        ServiceName = reader.GetString(0),
        AttributesJson = reader.GetString(1),
        Type = (MetricType)reader.GetInt32(2),
        Temporality = (AggregationTemporality)reader.GetInt32(3),
        IsMonotonic = reader.GetBoolean(4),
        StartTimeUnixNanos = reader.GetInt64(5),
        TimeUnixNanos = reader.GetInt64(6),
        Value = !reader.IsDBNull(7) ? reader.GetDouble(7) : !reader.IsDBNull(8) ? reader.GetInt64(8) : null,
        Count = reader.IsDBNull(9) ? null : (ulong)reader.GetInt64(9),
        Sum = reader.IsDBNull(10) ? null : reader.GetDouble(10),
        Max = reader.IsDBNull(11) ? null : reader.GetDouble(11),
        DataJson = reader.IsDBNull(12) ? null : reader.GetString(12),
        ServiceInstanceId = reader.IsDBNull(13) ? null : reader.GetString(13),
        CloudRegion = reader.IsDBNull(14) ? null : reader.GetString(14),
    };

    /// <summary>SQL text under construction and the values of its positional parameters.</summary>
    internal sealed class Sql(SqlDialect dialect)
    {
        private readonly List<object> _parameters = [];

        public StringBuilder Text { get; } = new();

        public IReadOnlyList<object> Parameters => _parameters;

        public void Append(string text) => Text.Append(text);

        public void Append(char text) => Text.Append(text);

        /// <summary>Adds a parameter and returns its placeholder.</summary>
        public string Parameter(object value)
        {
            _parameters.Add(value);
            return "$" + _parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>
        /// The text of one top-level attribute, NULL when absent or JSON null: a string is itself, anything else its
        /// JSON text (<c>true</c>, <c>201</c>, <c>0.5</c>). PostgreSQL's <c>-&gt;&gt;</c> does exactly that, for json
        /// and jsonb alike; SQLite's <c>-&gt;</c> keeps a number's text as stored.
        /// </summary>
        public string AttributeText(string column, string key)
        {
            if (dialect == SqlDialect.Postgres)
            {
                return $"({column} ->> {Parameter(key)})";
            }
            var path = Parameter(JsonPath(key));
            return $"(CASE json_type({column}, {path}) WHEN 'text' THEN {column} ->> {path} WHEN 'null' THEN NULL ELSE {column} -> {path} END)";
        }

        /// <summary>A log body's text: a string body is itself, JSON null is empty, anything else its JSON text.</summary>
        public string BodyText(string column) => dialect == SqlDialect.Postgres
            ? $"(CASE jsonb_typeof({column}) WHEN 'string' THEN {column} #>> '{{}}' WHEN 'null' THEN '' ELSE {column}::text END)"
            : $"(CASE json_type({column}) WHEN 'text' THEN {column} ->> '$' WHEN 'null' THEN '' ELSE {column} END)";

        /// <summary>
        /// Case-insensitive substring test. Both databases fold ASCII letters; PostgreSQL folds others too when the
        /// database's LC_CTYPE is not C.
        /// </summary>
        public string ContainsIgnoringCase(string text, string needleParameter) => dialect == SqlDialect.Postgres
            ? $"strpos(lower({text}), lower({needleParameter})) > 0"
            : $"instr(lower({text}), lower({needleParameter})) > 0";

        public string AnyAttributeValueContains(string column, string needleParameter) => dialect == SqlDialect.Postgres
            ? $"EXISTS (SELECT 1 FROM jsonb_each_text({column}) a WHERE {ContainsIgnoringCase("a.value", needleParameter)})"
            : $"EXISTS (SELECT 1 FROM json_each({column}) a WHERE {ContainsIgnoringCase("a.value", needleParameter)})";

        /// <summary>
        /// SQLite's JSON path to one top-level key, any key: quoted, with <c>"</c> and <c>\</c> escaped as in JSON, so
        /// dots, brackets and quotes in a key are part of the key.
        /// </summary>
        internal static string JsonPath(string key) => "$.\"" + key.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }
}

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Observability.Core.Telemetry;

namespace Observability.Core.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. One connection writes (SQLite has a single writer),
/// each read opens a pooled connection, so reads never wait for a commit.
/// </summary>
public sealed partial class SqliteTelemetryStore : ITelemetryStore
{
    private readonly SqliteStorageOptions _options;
    private readonly ILogger<SqliteTelemetryStore> _logger;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly HashSet<long> _knownResourceIds = [];
    private readonly HashSet<long> _knownScopeIds = [];
    private readonly CatalogTracker _catalog = new();
    private SqliteConnection? _writer;

    public SqliteTelemetryStore(SqliteStorageOptions options, ILogger<SqliteTelemetryStore> logger)
    {
        _options = options;
        _logger = logger;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string ProviderName => "sqlite";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(_options.Path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        _writer = new SqliteConnection(_connectionString);
        await _writer.OpenAsync(cancellationToken);
        await ExecuteAsync(_writer, "PRAGMA journal_mode=WAL;", cancellationToken);
        await ExecuteAsync(_writer, $"PRAGMA synchronous={_options.Synchronous.ToString().ToUpperInvariant()};", cancellationToken);
        await ExecuteAsync(_writer, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);", cancellationToken);

        var current = Convert.ToInt32(await ScalarAsync(_writer, "SELECT coalesce(max(version), 0) FROM schema_migrations;", cancellationToken));
        for (var version = current + 1; version <= SqliteSchema.Migrations.Count; version++)
        {
            await using var transaction = (SqliteTransaction)await _writer.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(_writer, SqliteSchema.Migrations[version - 1], cancellationToken, transaction);
            await using var record = _writer.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_migrations (version, applied_at) VALUES ($version, $at);";
            record.Parameters.AddWithValue("$version", version);
            record.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O"));
            await record.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            _logger.LogInformation("Applied SQLite schema migration {Version} to {Path}", version, _options.Path);
        }
    }

    public async Task CheckReadyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        var version = Convert.ToInt32(await ScalarAsync(connection, "SELECT coalesce(max(version), 0) FROM schema_migrations;", cancellationToken));
        if (version != SqliteSchema.Migrations.Count)
        {
            throw new InvalidOperationException($"SQLite schema is at version {version}, expected {SqliteSchema.Migrations.Count}.");
        }
    }

    public async Task WriteAsync(TelemetryBatch batch, CancellationToken cancellationToken)
    {
        var writer = _writer ?? throw new InvalidOperationException("The store is not initialized.");
        await _writeLock.WaitAsync(cancellationToken);
        var newResources = new List<long>();
        var newScopes = new List<long>();
        var (newOperations, newMetrics) = _catalog.Unknown(batch);
        try
        {
            await using var transaction = (SqliteTransaction)await writer.BeginTransactionAsync(cancellationToken);
            var resources = new ResourceWriter(writer, transaction, _knownResourceIds, newResources);
            var scopes = new ScopeWriter(writer, transaction, _knownScopeIds, newScopes);
            WriteSpans(writer, transaction, batch.Spans, resources, scopes);
            WriteRollups(writer, transaction, batch.Spans);
            WriteLogs(writer, transaction, batch.Logs, resources, scopes);
            WriteMetricPoints(writer, transaction, batch.MetricPoints, resources, scopes);
            WriteCatalog(writer, transaction, newOperations, newMetrics);
            await transaction.CommitAsync(cancellationToken);
            _catalog.Remember(newOperations, newMetrics);
        }
        catch
        {
            // The rolled-back transaction took the new resource rows with it.
            _knownResourceIds.ExceptWith(newResources);
            _knownScopeIds.ExceptWith(newScopes);
            throw;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static void WriteCatalog(SqliteConnection connection, SqliteTransaction transaction, List<SpanOperation> operations, List<MetricDescriptor> metrics)
    {
        if (operations.Count > 0)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT OR IGNORE INTO span_operations (service_name, name, kind) VALUES ($1, $2, $3);";
            var p = AddParameters(command, 3);
            foreach (var operation in operations)
            {
                p[0].Value = operation.ServiceName;
                p[1].Value = operation.Name;
                p[2].Value = (int)operation.Kind;
                command.ExecuteNonQuery();
            }
        }
        if (metrics.Count > 0)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            // The latest description wins: instrumentation that improves its text replaces the old one.
            command.CommandText = """
                INSERT INTO metric_descriptors (metric_name, metric_type, unit, description) VALUES ($1, $2, $3, $4)
                ON CONFLICT (metric_name, metric_type, unit) DO UPDATE SET description = excluded.description;
                """;
            var p = AddParameters(command, 4);
            foreach (var metric in metrics)
            {
                p[0].Value = metric.Name;
                p[1].Value = (int)metric.Type;
                p[2].Value = metric.Unit;
                p[3].Value = metric.Description;
                command.ExecuteNonQuery();
            }
        }
    }

    private static void WriteSpans(SqliteConnection connection, SqliteTransaction transaction, List<SpanRecord> spans, ResourceWriter resources, ScopeWriter scopes)
    {
        if (spans.Count == 0)
        {
            return;
        }
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO spans (trace_id, span_id, parent_span_id, trace_state, flags, name, kind, start_unix_nano, end_unix_nano,
                duration_nano, status_code, status_message, service_name, resource_id, scope_id, attributes, dropped_attributes_count,
                events, dropped_events_count, links, dropped_links_count)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21);
            """;
        var p = AddParameters(command, 21);
        command.Prepare();
        foreach (var span in spans)
        {
            p[0].Value = span.TraceId;
            p[1].Value = span.SpanId;
            p[2].Value = span.ParentSpanId;
            p[3].Value = span.TraceState;
            p[4].Value = (long)span.Flags;
            p[5].Value = span.Name;
            p[6].Value = (int)span.Kind;
            p[7].Value = span.StartUnixNanos;
            p[8].Value = span.EndUnixNanos;
            p[9].Value = span.DurationNanos;
            p[10].Value = (int)span.StatusCode;
            p[11].Value = span.StatusMessage;
            p[12].Value = span.Resource.ServiceName;
            p[13].Value = resources.Ensure(span.Resource);
            p[14].Value = scopes.Ensure(span.Scope);
            p[15].Value = span.AttributesJson;
            p[16].Value = (long)span.DroppedAttributesCount;
            p[17].Value = span.EventsJson;
            p[18].Value = (long)span.DroppedEventsCount;
            p[19].Value = span.LinksJson;
            p[20].Value = (long)span.DroppedLinksCount;
            command.ExecuteNonQuery();
        }
    }

    private static void WriteLogs(SqliteConnection connection, SqliteTransaction transaction, List<LogRecord> logs, ResourceWriter resources, ScopeWriter scopes)
    {
        if (logs.Count == 0)
        {
            return;
        }
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO logs (timestamp_unix_nano, time_unix_nano, observed_time_unix_nano, severity_number, severity_text, body,
                attributes, dropped_attributes_count, flags, trace_id, span_id, event_name, service_name, resource_id, scope_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15);
            """;
        var p = AddParameters(command, 15);
        command.Prepare();
        foreach (var log in logs)
        {
            p[0].Value = log.EffectiveTimeUnixNanos;
            p[1].Value = log.TimeUnixNanos;
            p[2].Value = log.ObservedTimeUnixNanos;
            p[3].Value = log.SeverityNumber;
            p[4].Value = log.SeverityText;
            p[5].Value = log.BodyJson;
            p[6].Value = log.AttributesJson;
            p[7].Value = (long)log.DroppedAttributesCount;
            p[8].Value = (long)log.Flags;
            p[9].Value = log.TraceId;
            p[10].Value = log.SpanId;
            p[11].Value = log.EventName;
            p[12].Value = log.Resource.ServiceName;
            p[13].Value = resources.Ensure(log.Resource);
            p[14].Value = scopes.Ensure(log.Scope);
            command.ExecuteNonQuery();
        }
    }

    private static void WriteMetricPoints(SqliteConnection connection, SqliteTransaction transaction, List<MetricPointRecord> points, ResourceWriter resources, ScopeWriter scopes)
    {
        if (points.Count == 0)
        {
            return;
        }
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO metric_points (metric_name, description, unit, metric_type, temporality, is_monotonic, attributes,
                start_time_unix_nano, time_unix_nano, flags, value_double, value_int, count, sum, min, max, data, exemplars,
                service_name, resource_id, scope_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21);
            """;
        var p = AddParameters(command, 21);
        command.Prepare();
        foreach (var point in points)
        {
            p[0].Value = point.MetricName;
            p[1].Value = point.Description;
            p[2].Value = point.Unit;
            p[3].Value = (int)point.Type;
            p[4].Value = (int)point.Temporality;
            p[5].Value = point.IsMonotonic ? 1 : 0;
            p[6].Value = point.AttributesJson;
            p[7].Value = point.StartTimeUnixNanos;
            p[8].Value = point.TimeUnixNanos;
            p[9].Value = (long)point.Flags;
            p[10].Value = DbValue(point.DoubleValue);
            p[11].Value = DbValue(point.IntValue);
            p[12].Value = point.Count is { } count ? (long)count : DBNull.Value;
            p[13].Value = DbValue(point.Sum);
            p[14].Value = DbValue(point.Min);
            p[15].Value = DbValue(point.Max);
            p[16].Value = (object?)point.DataJson ?? DBNull.Value;
            p[17].Value = point.ExemplarsJson;
            p[18].Value = point.Resource.ServiceName;
            p[19].Value = resources.Ensure(point.Resource);
            p[20].Value = scopes.Ensure(point.Scope);
            command.ExecuteNonQuery();
        }
    }

    public async Task<IReadOnlyList<SpanRecord>> GetTraceAsync(byte[] traceId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, TelemetryReads.TraceQuery, traceId);
        return await TelemetryReads.ReadAllAsync(command, TelemetryReads.ReadSpan, cancellationToken);
    }

    public async Task<IReadOnlyList<LogRecord>> GetLogsAsync(long fromUnixNanos, long toUnixNanos, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, TelemetryReads.LogsQuery, fromUnixNanos, toUnixNanos, limit);
        return await TelemetryReads.ReadAllAsync(command, TelemetryReads.ReadLog, cancellationToken);
    }

    public async Task<IReadOnlyList<MetricPointRecord>> GetMetricPointsAsync(string metricName, long fromUnixNanos, long toUnixNanos, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, TelemetryReads.MetricPointsQuery, metricName, fromUnixNanos, toUnixNanos);
        return await TelemetryReads.ReadAllAsync(command, TelemetryReads.ReadMetricPoint, cancellationToken);
    }

    public async Task<TelemetryCounts> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, TelemetryReads.CountsQuery);
        return await TelemetryReads.ReadCountsAsync(command, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }
        _writeLock.Dispose();
    }

    /// <summary>A command whose positional parameters $1, $2, ... take <paramref name="values"/> in order.</summary>
    private static SqliteCommand Command(SqliteConnection connection, string sql, params object[] values)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue("$" + (i + 1), values[i]);
        }
        return command;
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static SqliteParameter[] AddParameters(SqliteCommand command, int count)
    {
        var parameters = new SqliteParameter[count];
        for (var i = 0; i < count; i++)
        {
            parameters[i] = command.Parameters.Add(new SqliteParameter { ParameterName = "$" + (i + 1) });
        }
        return parameters;
    }

    private static object DbValue<T>(T? value) where T : struct => value.HasValue ? value.Value : DBNull.Value;

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>Inserts each distinct resource once; remembers which ids the database already holds.</summary>
    private sealed class ResourceWriter(SqliteConnection connection, SqliteTransaction transaction, HashSet<long> known, List<long> added)
    {
        private SqliteCommand? _insert;

        public long Ensure(TelemetryResource resource)
        {
            var id = resource.ContentHash;
            if (known.Add(id))
            {
                added.Add(id);
                _insert ??= Prepare();
                _insert.Parameters[0].Value = id;
                _insert.Parameters[1].Value = resource.ServiceName;
                _insert.Parameters[2].Value = resource.AttributesJson;
                _insert.Parameters[3].Value = (long)resource.DroppedAttributesCount;
                _insert.Parameters[4].Value = resource.SchemaUrl;
                _insert.ExecuteNonQuery();
            }
            return id;
        }

        private SqliteCommand Prepare()
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT OR IGNORE INTO resources (id, service_name, attributes, dropped_attributes_count, schema_url) VALUES ($1, $2, $3, $4, $5);";
            AddParameters(command, 5);
            return command;
        }
    }

    /// <summary>Inserts each distinct scope once; remembers which ids the database already holds.</summary>
    private sealed class ScopeWriter(SqliteConnection connection, SqliteTransaction transaction, HashSet<long> known, List<long> added)
    {
        private SqliteCommand? _insert;

        public long Ensure(TelemetryScope scope)
        {
            var id = scope.ContentHash;
            if (known.Add(id))
            {
                added.Add(id);
                _insert ??= Prepare();
                _insert.Parameters[0].Value = id;
                _insert.Parameters[1].Value = scope.Name;
                _insert.Parameters[2].Value = scope.Version;
                _insert.Parameters[3].Value = scope.AttributesJson;
                _insert.Parameters[4].Value = (long)scope.DroppedAttributesCount;
                _insert.Parameters[5].Value = scope.SchemaUrl;
                _insert.ExecuteNonQuery();
            }
            return id;
        }

        private SqliteCommand Prepare()
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT OR IGNORE INTO scopes (id, name, version, attributes, dropped_attributes_count, schema_url) VALUES ($1, $2, $3, $4, $5, $6);";
            AddParameters(command, 6);
            return command;
        }
    }
}

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Observability.Core.Rollups;
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
    private readonly SpanRollupCache _rollups = new();
    private SqliteConnection? _writer;
    private WriteStatements? _statements;
    private SqliteCheckpointer? _checkpointer;

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

    /// <summary>
    /// One: SQLite has one writer, and a second batch waiting for it would only make both commits smaller, while
    /// every commit rewrites the rollup rows it touches whatever its size.
    /// </summary>
    public int ConcurrentWriters => 1;

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
        await ExecuteAsync(_writer, $"PRAGMA wal_autocheckpoint={SqliteCheckpointer.WriterFallbackPages};", cancellationToken);
        // 64 MiB of page cache instead of 2 MiB: random trace ids scatter inserts over the trace index's leaf pages,
        // which would otherwise be read back from the OS on most commits.
        await ExecuteAsync(_writer, "PRAGMA cache_size=-65536;", cancellationToken);
        _checkpointer = new SqliteCheckpointer(_connectionString, _logger);
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
        // Counted before taking the writer, so a concurrent caller's commit overlaps this work.
        var increments = SpanRollupIncrements.Of(batch.Spans);
        await _writeLock.WaitAsync(cancellationToken);
        var newResources = new List<long>();
        var newScopes = new List<long>();
        var (newOperations, newMetrics) = _catalog.Unknown(batch);
        List<KeyValuePair<SpanRollupRowKey, SpanRollup>> rollups = [];
        try
        {
            var statements = _statements ??= new WriteStatements(writer);
            await using var transaction = (SqliteTransaction)await writer.BeginTransactionAsync(cancellationToken);
            var resources = new ResourceWriter(statements.InsertResource, _knownResourceIds, newResources);
            var scopes = new ScopeWriter(statements.InsertScope, _knownScopeIds, newScopes);
            WriteSpans(statements.InsertSpan, batch.Spans, resources, scopes);
            rollups = WriteRollups(statements, increments);
            WriteLogs(statements.InsertLog, batch.Logs, resources, scopes);
            WriteMetricPoints(statements.InsertMetricPoint, batch.MetricPoints, resources, scopes);
            WriteCatalog(writer, transaction, newOperations, newMetrics);
            await transaction.CommitAsync(cancellationToken);
            _catalog.Remember(newOperations, newMetrics);
            _rollups.Committed(increments);
            _checkpointer?.Request();
        }
        catch
        {
            // The rolled-back transaction took the new resource rows and the merged rollup rows with it.
            _knownResourceIds.ExceptWith(newResources);
            _knownScopeIds.ExceptWith(newScopes);
            _rollups.Discard(rollups);
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

    private static void WriteSpans(SqliteStatement insert, List<SpanRecord> spans, ResourceWriter resources, ScopeWriter scopes)
    {
        foreach (var span in spans)
        {
            insert.Bind(1, span.TraceId);
            insert.Bind(2, span.SpanId);
            insert.Bind(3, span.ParentSpanId);
            insert.Bind(4, span.TraceState);
            insert.Bind(5, (long)span.Flags);
            insert.Bind(6, span.Name);
            insert.Bind(7, (long)span.Kind);
            insert.Bind(8, span.StartUnixNanos);
            insert.Bind(9, span.EndUnixNanos);
            insert.Bind(10, span.DurationNanos);
            insert.Bind(11, (long)span.StatusCode);
            insert.Bind(12, span.StatusMessage);
            insert.Bind(13, span.Resource.ServiceName);
            insert.Bind(14, resources.Ensure(span.Resource));
            insert.Bind(15, scopes.Ensure(span.Scope));
            insert.Bind(16, span.AttributesJson);
            insert.Bind(17, (long)span.DroppedAttributesCount);
            insert.Bind(18, span.EventsJson);
            insert.Bind(19, (long)span.DroppedEventsCount);
            insert.Bind(20, span.LinksJson);
            insert.Bind(21, (long)span.DroppedLinksCount);
            insert.Execute();
        }
    }

    private static void WriteLogs(SqliteStatement insert, List<LogRecord> logs, ResourceWriter resources, ScopeWriter scopes)
    {
        foreach (var log in logs)
        {
            insert.Bind(1, log.EffectiveTimeUnixNanos);
            insert.Bind(2, log.TimeUnixNanos);
            insert.Bind(3, log.ObservedTimeUnixNanos);
            insert.Bind(4, (long)log.SeverityNumber);
            insert.Bind(5, log.SeverityText);
            insert.Bind(6, log.BodyJson);
            insert.Bind(7, log.AttributesJson);
            insert.Bind(8, (long)log.DroppedAttributesCount);
            insert.Bind(9, (long)log.Flags);
            insert.Bind(10, log.TraceId);
            insert.Bind(11, log.SpanId);
            insert.Bind(12, log.EventName);
            insert.Bind(13, log.Resource.ServiceName);
            insert.Bind(14, resources.Ensure(log.Resource));
            insert.Bind(15, scopes.Ensure(log.Scope));
            insert.Execute();
        }
    }

    private static void WriteMetricPoints(SqliteStatement insert, List<MetricPointRecord> points, ResourceWriter resources, ScopeWriter scopes)
    {
        foreach (var point in points)
        {
            insert.Bind(1, point.MetricName);
            insert.Bind(2, point.Description);
            insert.Bind(3, point.Unit);
            insert.Bind(4, (long)point.Type);
            insert.Bind(5, (long)point.Temporality);
            insert.Bind(6, point.IsMonotonic ? 1L : 0L);
            insert.Bind(7, point.AttributesJson);
            insert.Bind(8, point.StartTimeUnixNanos);
            insert.Bind(9, point.TimeUnixNanos);
            insert.Bind(10, (long)point.Flags);
            insert.Bind(11, point.DoubleValue);
            insert.Bind(12, point.IntValue);
            insert.Bind(13, point.Count is { } count ? (long)count : null);
            insert.Bind(14, point.Sum);
            insert.Bind(15, point.Min);
            insert.Bind(16, point.Max);
            insert.Bind(17, point.DataJson);
            insert.Bind(18, point.ExemplarsJson);
            insert.Bind(19, point.Resource.ServiceName);
            insert.Bind(20, resources.Ensure(point.Resource));
            insert.Bind(21, scopes.Ensure(point.Scope));
            insert.Execute();
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
        if (_checkpointer is not null)
        {
            await _checkpointer.DisposeAsync();
        }
        // Statements are finalized before their connection closes, or SQLite keeps the connection open as a zombie.
        _statements?.Dispose();
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

    internal async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
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
    private sealed class ResourceWriter(SqliteStatement insert, HashSet<long> known, List<long> added)
    {
        public long Ensure(TelemetryResource resource)
        {
            var id = resource.ContentHash;
            if (known.Add(id))
            {
                added.Add(id);
                insert.Bind(1, id);
                insert.Bind(2, resource.ServiceName);
                insert.Bind(3, resource.AttributesJson);
                insert.Bind(4, (long)resource.DroppedAttributesCount);
                insert.Bind(5, resource.SchemaUrl);
                insert.Execute();
            }
            return id;
        }
    }

    /// <summary>Inserts each distinct scope once; remembers which ids the database already holds.</summary>
    private sealed class ScopeWriter(SqliteStatement insert, HashSet<long> known, List<long> added)
    {
        public long Ensure(TelemetryScope scope)
        {
            var id = scope.ContentHash;
            if (known.Add(id))
            {
                added.Add(id);
                insert.Bind(1, id);
                insert.Bind(2, scope.Name);
                insert.Bind(3, scope.Version);
                insert.Bind(4, scope.AttributesJson);
                insert.Bind(5, (long)scope.DroppedAttributesCount);
                insert.Bind(6, scope.SchemaUrl);
                insert.Execute();
            }
            return id;
        }
    }

    /// <summary>The writer's statements, prepared once on its connection and reused by every commit.</summary>
    private sealed class WriteStatements(SqliteConnection writer) : IDisposable
    {
        public SqliteStatement InsertSpan { get; } = new(writer, """
            INSERT INTO spans (trace_id, span_id, parent_span_id, trace_state, flags, name, kind, start_unix_nano, end_unix_nano,
                duration_nano, status_code, status_message, service_name, resource_id, scope_id, attributes, dropped_attributes_count,
                events, dropped_events_count, links, dropped_links_count)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21);
            """);

        public SqliteStatement InsertLog { get; } = new(writer, """
            INSERT INTO logs (timestamp_unix_nano, time_unix_nano, observed_time_unix_nano, severity_number, severity_text, body,
                attributes, dropped_attributes_count, flags, trace_id, span_id, event_name, service_name, resource_id, scope_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15);
            """);

        public SqliteStatement InsertMetricPoint { get; } = new(writer, """
            INSERT INTO metric_points (metric_name, description, unit, metric_type, temporality, is_monotonic, attributes,
                start_time_unix_nano, time_unix_nano, flags, value_double, value_int, count, sum, min, max, data, exemplars,
                service_name, resource_id, scope_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21);
            """);

        public SqliteStatement InsertResource { get; } = new(writer,
            "INSERT OR IGNORE INTO resources (id, service_name, attributes, dropped_attributes_count, schema_url) VALUES ($1, $2, $3, $4, $5);");

        public SqliteStatement InsertScope { get; } = new(writer,
            "INSERT OR IGNORE INTO scopes (id, name, version, attributes, dropped_attributes_count, schema_url) VALUES ($1, $2, $3, $4, $5, $6);");

        /// <summary>Per resolution: read one writer's stored row.</summary>
        public Dictionary<SpanRollupResolution, SqliteStatement> SelectRollup { get; } = SpanRollupResolutions.All.ToDictionary(
            resolution => resolution,
            resolution => new SqliteStatement(writer, $"""
                SELECT request_count, error_count, duration_sketch FROM {resolution.Table}
                WHERE service_name = $1 AND all_operations = $2 AND bucket_start_unix_nano = $3 AND operation = $4
                    AND kind = $5 AND status_code = $6 AND writer_id = $7;
                """));

        /// <summary>Per resolution: store one writer's merged row.</summary>
        public Dictionary<SpanRollupResolution, SqliteStatement> UpsertRollup { get; } = SpanRollupResolutions.All.ToDictionary(
            resolution => resolution,
            resolution => new SqliteStatement(writer, $"""
                INSERT INTO {resolution.Table} (service_name, all_operations, bucket_start_unix_nano, operation, kind, status_code,
                    writer_id, request_count, error_count, duration_sketch)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                ON CONFLICT (service_name, all_operations, bucket_start_unix_nano, operation, kind, status_code, writer_id)
                DO UPDATE SET request_count = excluded.request_count, error_count = excluded.error_count,
                    duration_sketch = excluded.duration_sketch;
                """));

        public void Dispose()
        {
            InsertSpan.Dispose();
            InsertLog.Dispose();
            InsertMetricPoint.Dispose();
            InsertResource.Dispose();
            InsertScope.Dispose();
            foreach (var statement in SelectRollup.Values.Concat(UpsertRollup.Values))
            {
                statement.Dispose();
            }
        }
    }
}

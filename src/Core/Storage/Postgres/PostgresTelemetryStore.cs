using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Observability.Core.Rollups;
using Observability.Core.Telemetry;

namespace Observability.Core.Storage.Postgres;

/// <summary>
/// The production store: PostgreSQL shared by any number of Collector processes. Each batch is one transaction of
/// binary COPYs into tables partitioned by day; resources and scopes are stored once, keyed by their content hash.
/// Writes may run concurrently, each on its own pooled connection.
/// </summary>
public sealed partial class PostgresTelemetryStore : ITelemetryStore
{
    // Serializes migrations across every process sharing the database ("OBSMIGR" in ASCII).
    private const long MigrationLockKey = 0x4F_42_53_4D_49_47_52;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<PostgresTelemetryStore> _logger;
    private readonly PostgresPartitions _partitions;
    private readonly Lock _knownLock = new();
    private readonly HashSet<long> _knownResourceIds = [];
    private readonly HashSet<long> _knownScopeIds = [];
    private readonly CatalogTracker _catalog = new();
    // Last in, first out: one writer at a time keeps reusing the same identity and the rows it holds in memory.
    private readonly ConcurrentStack<RollupWriter> _idleRollupWriters = new();
    private readonly SemaphoreSlim _rollupWriterSlots;

    public PostgresTelemetryStore(string connectionString, ILogger<PostgresTelemetryStore> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _logger = logger;
        _partitions = new PostgresPartitions(_dataSource, logger);
        _rollupWriterSlots = new SemaphoreSlim(ConcurrentWriters);
        for (var i = 0; i < ConcurrentWriters; i++)
        {
            _idleRollupWriters.Push(new RollupWriter());
        }
    }

    public string ProviderName => "postgres";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, "SELECT pg_advisory_lock($1);", cancellationToken, MigrationLockKey);
        try
        {
            await ExecuteAsync(connection, null, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());", cancellationToken);
            var current = await ReadSchemaVersionAsync(connection, cancellationToken);
            if (current > PostgresSchema.CurrentVersion)
            {
                throw new InvalidOperationException(
                    $"The PostgreSQL schema is at version {current}, newer than this build knows ({PostgresSchema.CurrentVersion}); run a newer build.");
            }
            for (var version = current + 1; version <= PostgresSchema.CurrentVersion; version++)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, transaction, PostgresSchema.Migrations[version - 1], cancellationToken);
                await ExecuteAsync(connection, transaction, "INSERT INTO schema_migrations (version) VALUES ($1);", cancellationToken, version);
                await transaction.CommitAsync(cancellationToken);
                _logger.LogInformation("Applied PostgreSQL schema migration {Version} to database {Database}", version, connection.Database);
            }
        }
        finally
        {
            await UnlockMigrationsAsync(connection);
        }
    }

    public async Task CheckReadyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var version = await ReadSchemaVersionAsync(connection, cancellationToken);
        if (version != PostgresSchema.CurrentVersion)
        {
            throw new InvalidOperationException($"PostgreSQL schema is at version {version}, expected {PostgresSchema.CurrentVersion}.");
        }
    }

    /// <summary>
    /// Two transactions in flight: while PostgreSQL executes one, the Collector builds the next, and each has its own
    /// rollup writer identity. More would mostly add rollup rows to merge on read on a small machine.
    /// </summary>
    public int ConcurrentWriters => 2;

    public async Task WriteAsync(TelemetryBatch batch, CancellationToken cancellationToken)
    {
        if (batch.ItemCount == 0)
        {
            return;
        }
        // Counted before waiting for a writer identity, so this work overlaps another batch's commit.
        var increments = SpanRollupIncrements.Of(batch.Spans);
        await _rollupWriterSlots.WaitAsync(cancellationToken);
        // The semaphore counts the idle writers, so one is there.
        var writer = _idleRollupWriters.TryPop(out var idle) ? idle : throw new InvalidOperationException("No idle rollup writer.");
        try
        {
            await _partitions.EnsureAsync(batch, cancellationToken);
            try
            {
                await WriteInOneTransactionAsync(batch, writer, increments, cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CheckViolation)
            {
                // No partition for a row: retention dropped one after this process saw it. The failed transaction left
                // nothing behind, so recreate the partitions and try once more.
                _logger.LogWarning("A partition this process knew of is gone ({Message}); recreating it and retrying the batch", e.MessageText);
                _partitions.Forget();
                await _partitions.EnsureAsync(batch, cancellationToken);
                await WriteInOneTransactionAsync(batch, writer, increments, cancellationToken);
            }
        }
        finally
        {
            _idleRollupWriters.Push(writer);
            _rollupWriterSlots.Release();
        }
    }

    private async Task WriteInOneTransactionAsync(TelemetryBatch batch, RollupWriter writer, SpanRollupIncrements increments, CancellationToken cancellationToken)
    {
        // Sorted so that concurrent writers inserting the same new ids lock them in the same order and cannot deadlock.
        var newResources = new SortedDictionary<long, TelemetryResource>();
        var newScopes = new SortedDictionary<long, TelemetryScope>();
        lock (_knownLock)
        {
            foreach (var span in batch.Spans)
            {
                NoteUnknown(span.Resource, span.Scope);
            }
            foreach (var log in batch.Logs)
            {
                NoteUnknown(log.Resource, log.Scope);
            }
            foreach (var point in batch.MetricPoints)
            {
                NoteUnknown(point.Resource, point.Scope);
            }
        }

        var touched = new List<KeyValuePair<SpanRollupRowKey, SpanRollup>>();
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await InsertResourcesAndScopesAsync(connection, transaction, newResources.Values, newScopes.Values, cancellationToken);
            await CopySpansAsync(connection, batch.Spans, cancellationToken);
            await WriteRollupsAsync(connection, transaction, writer, increments, touched, cancellationToken);
            await CopyLogsAsync(connection, batch.Logs, cancellationToken);
            await CopyMetricPointsAsync(connection, batch.MetricPoints, cancellationToken);
            var (newOperations, newMetrics) = _catalog.Unknown(batch);
            await InsertCatalogAsync(connection, transaction, newOperations, newMetrics, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            _catalog.Remember(newOperations, newMetrics);
            writer.Rows.Committed(increments);
        }
        catch
        {
            // The rolled-back transaction took the merged rollup rows with it; the next touch reads them again.
            writer.Rows.Discard(touched);
            throw;
        }

        // Remembered only once committed: a concurrent batch that skipped an id this one was inserting could
        // otherwise commit rows pointing at a resource that a rollback took away.
        lock (_knownLock)
        {
            _knownResourceIds.UnionWith(newResources.Keys);
            _knownScopeIds.UnionWith(newScopes.Keys);
        }

        void NoteUnknown(TelemetryResource resource, TelemetryScope scope)
        {
            if (!_knownResourceIds.Contains(resource.ContentHash))
            {
                newResources.TryAdd(resource.ContentHash, resource);
            }
            if (!_knownScopeIds.Contains(scope.ContentHash))
            {
                newScopes.TryAdd(scope.ContentHash, scope);
            }
        }
    }

    private static async Task InsertResourcesAndScopesAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        ICollection<TelemetryResource> resources,
        ICollection<TelemetryScope> scopes,
        CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlBatch(connection, transaction);
        if (resources.Count > 0)
        {
            var command = new NpgsqlBatchCommand("""
                INSERT INTO resources (id, service_name, attributes, dropped_attributes_count, schema_url)
                SELECT * FROM unnest($1, $2, $3, $4, $5)
                ON CONFLICT (id) DO NOTHING;
                """);
            command.Parameters.Add(ArrayParameter(resources.Select(r => r.ContentHash), NpgsqlDbType.Bigint));
            command.Parameters.Add(ArrayParameter(resources.Select(r => r.ServiceName), NpgsqlDbType.Text));
            command.Parameters.Add(ArrayParameter(resources.Select(r => r.AttributesJson), NpgsqlDbType.Json));
            command.Parameters.Add(ArrayParameter(resources.Select(r => (long)r.DroppedAttributesCount), NpgsqlDbType.Bigint));
            command.Parameters.Add(ArrayParameter(resources.Select(r => r.SchemaUrl), NpgsqlDbType.Text));
            insert.BatchCommands.Add(command);
        }
        if (scopes.Count > 0)
        {
            var command = new NpgsqlBatchCommand("""
                INSERT INTO scopes (id, name, version, attributes, dropped_attributes_count, schema_url)
                SELECT * FROM unnest($1, $2, $3, $4, $5, $6)
                ON CONFLICT (id) DO NOTHING;
                """);
            command.Parameters.Add(ArrayParameter(scopes.Select(s => s.ContentHash), NpgsqlDbType.Bigint));
            command.Parameters.Add(ArrayParameter(scopes.Select(s => s.Name), NpgsqlDbType.Text));
            command.Parameters.Add(ArrayParameter(scopes.Select(s => s.Version), NpgsqlDbType.Text));
            command.Parameters.Add(ArrayParameter(scopes.Select(s => s.AttributesJson), NpgsqlDbType.Json));
            command.Parameters.Add(ArrayParameter(scopes.Select(s => (long)s.DroppedAttributesCount), NpgsqlDbType.Bigint));
            command.Parameters.Add(ArrayParameter(scopes.Select(s => s.SchemaUrl), NpgsqlDbType.Text));
            insert.BatchCommands.Add(command);
        }
        if (insert.BatchCommands.Count > 0)
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task InsertCatalogAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        List<SpanOperation> operations,
        List<MetricDescriptor> metrics,
        CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlBatch(connection, transaction);
        if (operations.Count > 0)
        {
            // Sorted, so that writers inserting the same new entries lock them in the same order.
            var sorted = operations.OrderBy(o => o.ServiceName, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal).ThenBy(o => o.Kind).ToList();
            var command = new NpgsqlBatchCommand("""
                INSERT INTO span_operations (service_name, name, kind)
                SELECT * FROM unnest($1, $2, $3)
                ON CONFLICT DO NOTHING;
                """);
            command.Parameters.Add(ArrayParameter(sorted.Select(o => o.ServiceName), NpgsqlDbType.Text));
            command.Parameters.Add(ArrayParameter(sorted.Select(o => o.Name), NpgsqlDbType.Text));
            command.Parameters.Add(ArrayParameter(sorted.Select(o => (int)o.Kind), NpgsqlDbType.Integer));
            insert.BatchCommands.Add(command);
        }
        if (metrics.Count > 0)
        {
            var sorted = metrics.OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.Type).ThenBy(m => m.Unit, StringComparer.Ordinal)
                .DistinctBy(m => (m.Name, m.Type, m.Unit)).ToList();
            // The latest description wins: instrumentation that improves its text replaces the old one.
            var command = new NpgsqlBatchCommand("""
                INSERT INTO metric_descriptors (metric_name, metric_type, unit, description)
                SELECT * FROM unnest($1, $2, $3, $4)
                ON CONFLICT (metric_name, metric_type, unit) DO UPDATE SET description = excluded.description;
                """);
            command.Parameters.Add(ArrayParameter(sorted.Select(m => m.Name), NpgsqlDbType.Text));
            command.Parameters.Add(ArrayParameter(sorted.Select(m => (int)m.Type), NpgsqlDbType.Integer));
            command.Parameters.Add(ArrayParameter(sorted.Select(m => m.Unit), NpgsqlDbType.Text));
            command.Parameters.Add(ArrayParameter(sorted.Select(m => m.Description), NpgsqlDbType.Text));
            insert.BatchCommands.Add(command);
        }
        if (insert.BatchCommands.Count > 0)
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task CopySpansAsync(NpgsqlConnection connection, List<SpanRecord> spans, CancellationToken cancellationToken)
    {
        if (spans.Count == 0)
        {
            return;
        }
        await using var importer = await connection.BeginBinaryImportAsync("""
            COPY spans (trace_id, span_id, parent_span_id, trace_state, flags, name, kind, start_unix_nano, end_unix_nano,
                duration_nano, status_code, status_message, service_name, resource_id, scope_id, attributes, dropped_attributes_count,
                events, dropped_events_count, links, dropped_links_count)
            FROM STDIN (FORMAT BINARY)
            """, cancellationToken);
        foreach (var span in spans)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(span.TraceId, NpgsqlDbType.Bytea, cancellationToken);
            await importer.WriteAsync(span.SpanId, NpgsqlDbType.Bytea, cancellationToken);
            await importer.WriteAsync(span.ParentSpanId, NpgsqlDbType.Bytea, cancellationToken);
            await importer.WriteAsync(span.TraceState, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync((long)span.Flags, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(span.Name, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync((int)span.Kind, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(span.StartUnixNanos, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(span.EndUnixNanos, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(span.DurationNanos, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync((int)span.StatusCode, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(span.StatusMessage, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(span.Resource.ServiceName, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(span.Resource.ContentHash, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(span.Scope.ContentHash, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(span.AttributesJson, NpgsqlDbType.Jsonb, cancellationToken);
            await importer.WriteAsync((long)span.DroppedAttributesCount, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(span.EventsJson, NpgsqlDbType.Jsonb, cancellationToken);
            await importer.WriteAsync((long)span.DroppedEventsCount, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(span.LinksJson, NpgsqlDbType.Jsonb, cancellationToken);
            await importer.WriteAsync((long)span.DroppedLinksCount, NpgsqlDbType.Bigint, cancellationToken);
        }
        await importer.CompleteAsync(cancellationToken);
    }

    private static async Task CopyLogsAsync(NpgsqlConnection connection, List<LogRecord> logs, CancellationToken cancellationToken)
    {
        if (logs.Count == 0)
        {
            return;
        }
        await using var importer = await connection.BeginBinaryImportAsync("""
            COPY logs (timestamp_unix_nano, time_unix_nano, observed_time_unix_nano, severity_number, severity_text, body,
                attributes, dropped_attributes_count, flags, trace_id, span_id, event_name, service_name, resource_id, scope_id)
            FROM STDIN (FORMAT BINARY)
            """, cancellationToken);
        foreach (var log in logs)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(log.EffectiveTimeUnixNanos, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(log.TimeUnixNanos, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(log.ObservedTimeUnixNanos, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(log.SeverityNumber, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(log.SeverityText, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(log.BodyJson, NpgsqlDbType.Jsonb, cancellationToken);
            await importer.WriteAsync(log.AttributesJson, NpgsqlDbType.Jsonb, cancellationToken);
            await importer.WriteAsync((long)log.DroppedAttributesCount, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync((long)log.Flags, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(log.TraceId, NpgsqlDbType.Bytea, cancellationToken);
            await importer.WriteAsync(log.SpanId, NpgsqlDbType.Bytea, cancellationToken);
            await importer.WriteAsync(log.EventName, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(log.Resource.ServiceName, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(log.Resource.ContentHash, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(log.Scope.ContentHash, NpgsqlDbType.Bigint, cancellationToken);
        }
        await importer.CompleteAsync(cancellationToken);
    }

    private static async Task CopyMetricPointsAsync(NpgsqlConnection connection, List<MetricPointRecord> points, CancellationToken cancellationToken)
    {
        if (points.Count == 0)
        {
            return;
        }
        await using var importer = await connection.BeginBinaryImportAsync("""
            COPY metric_points (metric_name, description, unit, metric_type, temporality, is_monotonic, attributes,
                start_time_unix_nano, time_unix_nano, flags, value_double, value_int, count, sum, min, max, data, exemplars,
                service_name, resource_id, scope_id)
            FROM STDIN (FORMAT BINARY)
            """, cancellationToken);
        foreach (var point in points)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(point.MetricName, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(point.Description, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(point.Unit, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync((int)point.Type, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync((int)point.Temporality, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(point.IsMonotonic, NpgsqlDbType.Boolean, cancellationToken);
            await importer.WriteAsync(point.AttributesJson, NpgsqlDbType.Jsonb, cancellationToken);
            await importer.WriteAsync(point.StartTimeUnixNanos, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(point.TimeUnixNanos, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync((long)point.Flags, NpgsqlDbType.Bigint, cancellationToken);
            await WriteNullableAsync(importer, point.DoubleValue, NpgsqlDbType.Double, cancellationToken);
            await WriteNullableAsync(importer, point.IntValue, NpgsqlDbType.Bigint, cancellationToken);
            // A count above long.MaxValue wraps to a negative bigint and wraps back on read.
            await WriteNullableAsync(importer, point.Count is { } count ? (long)count : (long?)null, NpgsqlDbType.Bigint, cancellationToken);
            await WriteNullableAsync(importer, point.Sum, NpgsqlDbType.Double, cancellationToken);
            await WriteNullableAsync(importer, point.Min, NpgsqlDbType.Double, cancellationToken);
            await WriteNullableAsync(importer, point.Max, NpgsqlDbType.Double, cancellationToken);
            if (point.DataJson is { } data)
            {
                await importer.WriteAsync(data, NpgsqlDbType.Jsonb, cancellationToken);
            }
            else
            {
                await importer.WriteNullAsync(cancellationToken);
            }
            await importer.WriteAsync(point.ExemplarsJson, NpgsqlDbType.Jsonb, cancellationToken);
            await importer.WriteAsync(point.Resource.ServiceName, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(point.Resource.ContentHash, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(point.Scope.ContentHash, NpgsqlDbType.Bigint, cancellationToken);
        }
        await importer.CompleteAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SpanRecord>> GetTraceAsync(byte[] traceId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(TelemetryReads.TraceQuery);
        command.Parameters.Add(new NpgsqlParameter { Value = traceId, NpgsqlDbType = NpgsqlDbType.Bytea });
        return await TelemetryReads.ReadAllAsync(command, TelemetryReads.ReadSpan, cancellationToken);
    }

    public async Task<IReadOnlyList<LogRecord>> GetLogsAsync(long fromUnixNanos, long toUnixNanos, int limit, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(TelemetryReads.LogsQuery);
        command.Parameters.Add(new NpgsqlParameter { Value = fromUnixNanos, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = toUnixNanos, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = limit, NpgsqlDbType = NpgsqlDbType.Integer });
        return await TelemetryReads.ReadAllAsync(command, TelemetryReads.ReadLog, cancellationToken);
    }

    public async Task<IReadOnlyList<MetricPointRecord>> GetMetricPointsAsync(string metricName, long fromUnixNanos, long toUnixNanos, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(TelemetryReads.MetricPointsQuery);
        command.Parameters.Add(new NpgsqlParameter { Value = metricName, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = fromUnixNanos, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = toUnixNanos, NpgsqlDbType = NpgsqlDbType.Bigint });
        return await TelemetryReads.ReadAllAsync(command, TelemetryReads.ReadMetricPoint, cancellationToken);
    }

    public async Task<TelemetryCounts> CountAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(TelemetryReads.CountsQuery);
        return await TelemetryReads.ReadCountsAsync(command, cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        _rollupWriterSlots.Dispose();
        return _dataSource.DisposeAsync();
    }

    private static NpgsqlParameter ArrayParameter<T>(IEnumerable<T> values, NpgsqlDbType elementType) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | elementType };

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        where T : struct =>
        value is { } present ? importer.WriteAsync(present, type, cancellationToken) : importer.WriteNullAsync(cancellationToken);

    private static async Task<int> ReadSchemaVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL;", connection);
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
        {
            return 0;
        }
        await using var version = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_migrations;", connection);
        return (int)(await version.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task UnlockMigrationsAsync(NpgsqlConnection connection)
    {
        try
        {
            await ExecuteAsync(connection, null, "SELECT pg_advisory_unlock($1);", CancellationToken.None, MigrationLockKey);
        }
        catch (NpgsqlException e)
        {
            // The session is broken, and its end released the lock; the original error is the one worth reporting.
            _logger.LogDebug(e, "Could not release the migration lock explicitly");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

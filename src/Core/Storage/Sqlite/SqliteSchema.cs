namespace Observability.Core.Storage.Sqlite;

/// <summary>Versioned schema migrations of the embedded store, applied in order at start-up.</summary>
internal static class SqliteSchema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE resources (
            id INTEGER PRIMARY KEY,
            service_name TEXT NOT NULL,
            attributes TEXT NOT NULL,
            dropped_attributes_count INTEGER NOT NULL,
            schema_url TEXT NOT NULL
        );
        CREATE TABLE scopes (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            version TEXT NOT NULL,
            attributes TEXT NOT NULL,
            dropped_attributes_count INTEGER NOT NULL,
            schema_url TEXT NOT NULL
        );
        CREATE TABLE spans (
            trace_id BLOB NOT NULL,
            span_id BLOB NOT NULL,
            parent_span_id BLOB NOT NULL,
            trace_state TEXT NOT NULL,
            flags INTEGER NOT NULL,
            name TEXT NOT NULL,
            kind INTEGER NOT NULL,
            start_unix_nano INTEGER NOT NULL,
            end_unix_nano INTEGER NOT NULL,
            duration_nano INTEGER NOT NULL,
            status_code INTEGER NOT NULL,
            status_message TEXT NOT NULL,
            service_name TEXT NOT NULL,
            resource_id INTEGER NOT NULL,
            scope_id INTEGER NOT NULL,
            attributes TEXT NOT NULL,
            dropped_attributes_count INTEGER NOT NULL,
            events TEXT NOT NULL,
            dropped_events_count INTEGER NOT NULL,
            links TEXT NOT NULL,
            dropped_links_count INTEGER NOT NULL
        );
        CREATE INDEX ix_spans_trace_id ON spans (trace_id);
        CREATE INDEX ix_spans_service_start ON spans (service_name, start_unix_nano);
        CREATE TABLE logs (
            timestamp_unix_nano INTEGER NOT NULL,
            time_unix_nano INTEGER NOT NULL,
            observed_time_unix_nano INTEGER NOT NULL,
            severity_number INTEGER NOT NULL,
            severity_text TEXT NOT NULL,
            body TEXT NOT NULL,
            attributes TEXT NOT NULL,
            dropped_attributes_count INTEGER NOT NULL,
            flags INTEGER NOT NULL,
            trace_id BLOB NOT NULL,
            span_id BLOB NOT NULL,
            event_name TEXT NOT NULL,
            service_name TEXT NOT NULL,
            resource_id INTEGER NOT NULL,
            scope_id INTEGER NOT NULL
        );
        CREATE INDEX ix_logs_timestamp ON logs (timestamp_unix_nano);
        CREATE INDEX ix_logs_service_timestamp ON logs (service_name, timestamp_unix_nano);
        CREATE INDEX ix_logs_trace_id ON logs (trace_id) WHERE length(trace_id) > 0;
        CREATE TABLE metric_points (
            metric_name TEXT NOT NULL,
            description TEXT NOT NULL,
            unit TEXT NOT NULL,
            metric_type INTEGER NOT NULL,
            temporality INTEGER NOT NULL,
            is_monotonic INTEGER NOT NULL,
            attributes TEXT NOT NULL,
            start_time_unix_nano INTEGER NOT NULL,
            time_unix_nano INTEGER NOT NULL,
            flags INTEGER NOT NULL,
            value_double REAL,
            value_int INTEGER,
            count INTEGER,
            sum REAL,
            min REAL,
            max REAL,
            data TEXT,
            exemplars TEXT NOT NULL,
            service_name TEXT NOT NULL,
            resource_id INTEGER NOT NULL,
            scope_id INTEGER NOT NULL
        );
        CREATE INDEX ix_metric_points_name_time ON metric_points (metric_name, time_unix_nano);
        """,
        """
        CREATE TABLE span_operations (
            service_name TEXT NOT NULL,
            name TEXT NOT NULL,
            kind INTEGER NOT NULL,
            PRIMARY KEY (service_name, name, kind)
        );
        CREATE TABLE metric_descriptors (
            metric_name TEXT NOT NULL,
            metric_type INTEGER NOT NULL,
            unit TEXT NOT NULL,
            description TEXT NOT NULL,
            PRIMARY KEY (metric_name, metric_type, unit)
        );
        """ + SpanRollupSchema.Tables("INTEGER", "BLOB", "TEXT"),
        KpiTables.Schema("INTEGER", "REAL", "TEXT"),
        AlertingTables.Schema("INTEGER", "REAL", "TEXT"),
        SlaTables.Schema("INTEGER", "TEXT"),
        UserTables.Schema("INTEGER", "TEXT"),
        WebhookReceiverTables.Schema("INTEGER", "TEXT"),
        CostSettingTables.Schema("INTEGER", "TEXT"),
    ];
}

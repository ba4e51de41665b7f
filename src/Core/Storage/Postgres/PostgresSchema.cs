using Observability.Core.Rollups;

namespace Observability.Core.Storage.Postgres;

/// <summary>
/// Versioned schema migrations of the PostgreSQL store, applied in order at start-up. The same logical schema as
/// the SQLite store; the item tables are partitioned by UTC day so retention is a DROP TABLE of a partition.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>Tables partitioned by day, each with the column its partitions are ranged on.</summary>
    public static readonly IReadOnlyList<(string Table, string PartitionColumn)> PartitionedTables =
    [
        ("spans", "start_unix_nano"),
        ("logs", "timestamp_unix_nano"),
        ("metric_points", "time_unix_nano"),
        .. SpanRollupResolutions.All.Select(resolution => (resolution.Table, "bucket_start_unix_nano")),
    ];

    public static int CurrentVersion => Migrations.Count;

    // Resource and scope attributes are json, not jsonb: a resource's id is the hash of its exact attribute text,
    // and json keeps that text byte for byte, so a resource read back has the same identity it was stored under.
    // jsonb would reorder keys and respace the text. There are few resources, so jsonb's indexing would buy little.
    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE resources (
            id bigint PRIMARY KEY,
            service_name text NOT NULL,
            attributes json NOT NULL,
            dropped_attributes_count bigint NOT NULL,
            schema_url text NOT NULL
        );
        CREATE TABLE scopes (
            id bigint PRIMARY KEY,
            name text NOT NULL,
            version text NOT NULL,
            attributes json NOT NULL,
            dropped_attributes_count bigint NOT NULL,
            schema_url text NOT NULL
        );
        CREATE TABLE spans (
            trace_id bytea NOT NULL,
            span_id bytea NOT NULL,
            parent_span_id bytea NOT NULL,
            trace_state text NOT NULL,
            flags bigint NOT NULL,
            name text NOT NULL,
            kind integer NOT NULL,
            start_unix_nano bigint NOT NULL,
            end_unix_nano bigint NOT NULL,
            duration_nano bigint NOT NULL,
            status_code integer NOT NULL,
            status_message text NOT NULL,
            service_name text NOT NULL,
            resource_id bigint NOT NULL,
            scope_id bigint NOT NULL,
            attributes jsonb NOT NULL,
            dropped_attributes_count bigint NOT NULL,
            events jsonb NOT NULL,
            dropped_events_count bigint NOT NULL,
            links jsonb NOT NULL,
            dropped_links_count bigint NOT NULL
        ) PARTITION BY RANGE (start_unix_nano);
        CREATE INDEX ix_spans_trace_id ON spans (trace_id);
        CREATE INDEX ix_spans_service_start ON spans (service_name, start_unix_nano);
        CREATE TABLE logs (
            timestamp_unix_nano bigint NOT NULL,
            time_unix_nano bigint NOT NULL,
            observed_time_unix_nano bigint NOT NULL,
            severity_number integer NOT NULL,
            severity_text text NOT NULL,
            body jsonb NOT NULL,
            attributes jsonb NOT NULL,
            dropped_attributes_count bigint NOT NULL,
            flags bigint NOT NULL,
            trace_id bytea NOT NULL,
            span_id bytea NOT NULL,
            event_name text NOT NULL,
            service_name text NOT NULL,
            resource_id bigint NOT NULL,
            scope_id bigint NOT NULL
        ) PARTITION BY RANGE (timestamp_unix_nano);
        CREATE INDEX ix_logs_timestamp ON logs (timestamp_unix_nano);
        CREATE INDEX ix_logs_service_timestamp ON logs (service_name, timestamp_unix_nano);
        CREATE INDEX ix_logs_trace_id ON logs (trace_id) WHERE length(trace_id) > 0;
        CREATE TABLE metric_points (
            metric_name text NOT NULL,
            description text NOT NULL,
            unit text NOT NULL,
            metric_type integer NOT NULL,
            temporality integer NOT NULL,
            is_monotonic boolean NOT NULL,
            attributes jsonb NOT NULL,
            start_time_unix_nano bigint NOT NULL,
            time_unix_nano bigint NOT NULL,
            flags bigint NOT NULL,
            value_double double precision,
            value_int bigint,
            count bigint,
            sum double precision,
            min double precision,
            max double precision,
            data jsonb,
            exemplars jsonb NOT NULL,
            service_name text NOT NULL,
            resource_id bigint NOT NULL,
            scope_id bigint NOT NULL
        ) PARTITION BY RANGE (time_unix_nano);
        CREATE INDEX ix_metric_points_name_time ON metric_points (metric_name, time_unix_nano);
        """,
        """
        CREATE TABLE span_operations (
            service_name text NOT NULL,
            name text NOT NULL,
            kind integer NOT NULL,
            PRIMARY KEY (service_name, name, kind)
        );
        CREATE TABLE metric_descriptors (
            metric_name text NOT NULL,
            metric_type integer NOT NULL,
            unit text NOT NULL,
            description text NOT NULL,
            PRIMARY KEY (metric_name, metric_type, unit)
        );
        """ + SpanRollupSchema.Tables("bigint", "bytea", "text", partitioned: true),
        KpiTables.Schema("bigint", "double precision", "text"),
        AlertingTables.Schema("bigint", "double precision", "text"),
        SlaTables.Schema("bigint", "text"),
        UserTables.Schema("bigint", "text"),
        WebhookReceiverTables.Schema("bigint", "text"),
        CostSettingTables.Schema("bigint", "text"),
    ];
}

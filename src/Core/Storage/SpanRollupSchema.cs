using Observability.Core.Rollups;

namespace Observability.Core.Storage;

/// <summary>The span rollup tables' DDL, shared by both stores' migrations with each database's column types.</summary>
internal static class SpanRollupSchema
{
    /// <summary>
    /// One table per resolution (10 s, 1 min, 1 h) with the same columns, so each keeps its own retention.
    /// A row is one writer's aggregate of one (service, operation, kind, status) in one bucket, or with
    /// all_operations = 1 of the whole service (operation ''), so a service-wide query reads one row per bucket
    /// and status instead of one per operation. Rows of several Collector processes sharing a database are merged
    /// when read, so no writer waits on another's row.
    /// </summary>
    public static string Tables(string integer, string blob, string text, bool partitioned = false) =>
        string.Concat(SpanRollupResolutions.All.Select(resolution => $"""
            CREATE TABLE {resolution.Table} (
                bucket_start_unix_nano {integer} NOT NULL,
                service_name {text} NOT NULL,
                all_operations {integer} NOT NULL,
                operation {text} NOT NULL,
                kind {integer} NOT NULL,
                status_code {integer} NOT NULL,
                writer_id {text} NOT NULL,
                request_count {integer} NOT NULL,
                error_count {integer} NOT NULL,
                duration_sketch {blob} NOT NULL,
                PRIMARY KEY (service_name, all_operations, bucket_start_unix_nano, operation, kind, status_code, writer_id)
            ){(partitioned ? " PARTITION BY RANGE (bucket_start_unix_nano)" : "")};
            CREATE INDEX ix_{resolution.Table}_bucket ON {resolution.Table} (bucket_start_unix_nano);

            """));
}

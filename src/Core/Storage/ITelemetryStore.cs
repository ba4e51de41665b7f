using Observability.Core.Rollups;
using Observability.Core.Telemetry;

namespace Observability.Core.Storage;

/// <summary>
/// Durable storage of telemetry. Every implementation passes the same contract test suite. Writes are
/// all-or-nothing per batch and durable when the returned task completes, so the ingest pipeline can
/// acknowledge an export only after its data is committed.
/// </summary>
public interface ITelemetryStore : ISpanRollupReader, ITelemetryReader, IAsyncDisposable
{
    /// <summary>"sqlite" or "postgres".</summary>
    string ProviderName { get; }

    /// <summary>KPI series, baselines and load-test evidence in the same database.</summary>
    Kpis.IKpiStore Kpis { get; }

    /// <summary>Alert states, silences, the webhook outbox and incidents in the same database.</summary>
    Alerting.IAlertingStore Alerting { get; }

    /// <summary>Daily probe tallies and monthly SLA reports in the same database.</summary>
    Sla.ISlaStore Sla { get; }

    /// <summary>The dashboard's users in the same database.</summary>
    Users.IUserStore Users { get; }

    /// <summary>Webhook receivers added from the dashboard, in the same database.</summary>
    Alerting.Notifications.IWebhookReceiverStore WebhookReceivers { get; }

    /// <summary>The monthly cost set on the dashboard (a history, newest in force), in the same database.</summary>
    Kpis.ICostSettingStore CostSettings { get; }

    /// <summary>Creates or migrates the schema to the current version. Safe to call from several processes.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// How many <see cref="WriteAsync"/> calls the ingest writer should keep in flight. Above 1, a batch's preparation
    /// (and on PostgreSQL its transaction) overlaps another's commit; the store stays correct with any number.
    /// </summary>
    int ConcurrentWriters => 1;

    /// <summary>Commits a batch in one transaction; durable on return.</summary>
    Task WriteAsync(TelemetryBatch batch, CancellationToken cancellationToken);

    /// <summary>Throws when the store cannot be reached or its schema is not at the current version.</summary>
    Task CheckReadyAsync(CancellationToken cancellationToken);

    /// <summary>All spans of a trace, ordered by start time.</summary>
    Task<IReadOnlyList<SpanRecord>> GetTraceAsync(byte[] traceId, CancellationToken cancellationToken);

    /// <summary>Log records whose effective time is in [from, to), ordered by time, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<LogRecord>> GetLogsAsync(long fromUnixNanos, long toUnixNanos, int limit, CancellationToken cancellationToken);

    /// <summary>Points of one metric whose time is in [from, to), ordered by time.</summary>
    Task<IReadOnlyList<MetricPointRecord>> GetMetricPointsAsync(string metricName, long fromUnixNanos, long toUnixNanos, CancellationToken cancellationToken);

    /// <summary>
    /// Removes data older than the policy's cut-offs: whole daily partitions on PostgreSQL, rows in small chunks on
    /// SQLite so ingest is never held up for long.
    /// </summary>
    Task<IReadOnlyList<RetentionResult>> ApplyRetentionAsync(RetentionPolicy policy, CancellationToken cancellationToken);

    /// <summary>How many items of each signal are stored.</summary>
    Task<TelemetryCounts> CountAsync(CancellationToken cancellationToken);
}

public sealed record TelemetryCounts(long Spans, long Logs, long MetricPoints);

using Hangfire;
using Hangfire.Storage;

namespace Observability.Collector.Alerting.Webhooks;

/// <summary>
/// The cluster-wide lock that dispatch and delivery run under (a Hangfire distributed lock, so in PostgreSQL when the
/// Collectors share one): group state is read and written by one Collector at a time, and a due notification is sent
/// by one of them.
/// </summary>
public sealed class WebhookRunLock(JobStorage jobs)
{
    private const string Resource = "observability:webhook-delivery";

    /// <summary>The held lock, or null when another run still held it after <paramref name="wait"/>.</summary>
    public IDisposable? TryAcquire(TimeSpan wait)
    {
        var connection = jobs.GetConnection();
        try
        {
            return new Held(connection.AcquireDistributedLock(Resource, wait), connection);
        }
        catch (DistributedLockTimeoutException)
        {
            connection.Dispose();
            return null;
        }
    }

    /// <summary>The lock, waiting up to a minute for a run in progress; throws when it is not released by then.</summary>
    public IDisposable Acquire() =>
        TryAcquire(TimeSpan.FromMinutes(1)) ?? throw new TimeoutException("Another webhook run held its lock for a minute.");

    private sealed class Held(IDisposable held, IDisposable connection) : IDisposable
    {
        public void Dispose()
        {
            held.Dispose();
            connection.Dispose();
        }
    }
}

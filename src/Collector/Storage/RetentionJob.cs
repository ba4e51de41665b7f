using Hangfire;
using Microsoft.Extensions.Options;
using Observability.Core.Storage;

namespace Observability.Collector.Storage;

/// <summary>The hourly retention pass (Storage:RetentionSchedule), run once per occurrence however many Collectors share the database.</summary>
public sealed class RetentionJob(ITelemetryStore store, IOptions<StorageOptions> options, TimeProvider time, ILogger<RetentionJob> logger)
{
    public const string RecurringJobId = "retention";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 3600)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var policy = RetentionPolicy.For(options.Value, time.GetUtcNow());
        foreach (var result in await store.ApplyRetentionAsync(policy, cancellationToken))
        {
            if (result.RowsDeleted > 0 || result.PartitionsDropped.Count > 0)
            {
                logger.LogInformation("Retention removed {Rows} rows and {Partitions} partitions from {Table}",
                    result.RowsDeleted, result.PartitionsDropped.Count, result.Table);
            }
        }
    }
}

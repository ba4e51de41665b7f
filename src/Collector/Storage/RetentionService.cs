using Microsoft.Extensions.Options;
using Observability.Core.Storage;

namespace Observability.Collector.Storage;

/// <summary>Applies the retention policy shortly after start-up and then every hour.</summary>
internal sealed class RetentionService(
    ITelemetryStore store,
    IOptions<StorageOptions> options,
    TimeProvider timeProvider,
    ILogger<RetentionService> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRunDelay = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(FirstRunDelay, timeProvider, stoppingToken);
            using var timer = new PeriodicTimer(Interval, timeProvider);
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var policy = RetentionPolicy.For(options.Value, timeProvider.GetUtcNow());
        try
        {
            foreach (var result in await store.ApplyRetentionAsync(policy, cancellationToken))
            {
                if (result.RowsDeleted > 0 || result.PartitionsDropped.Count > 0)
                {
                    logger.LogInformation("Retention removed {Rows} rows and {Partitions} partitions from {Table}",
                        result.RowsDeleted, result.PartitionsDropped.Count, result.Table);
                }
            }
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // A failed pass is retried at the next tick; ingest carries on regardless.
            logger.LogError(error, "Retention pass failed");
        }
    }
}

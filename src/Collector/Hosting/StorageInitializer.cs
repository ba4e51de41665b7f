using Observability.Core.Storage;

namespace Observability.Collector.Hosting;

/// <summary>Applies schema migrations before the listeners open, so no export arrives at a store that is not ready.</summary>
internal sealed class StorageInitializer(ITelemetryStore store, ILogger<StorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        logger.LogInformation("Storage ready: {Provider}", store.ProviderName);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

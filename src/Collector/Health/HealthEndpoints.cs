using Observability.Core.Storage;

namespace Observability.Collector.Health;

/// <summary>/healthz: the process is alive. /readyz: storage is reachable and its schema is current.</summary>
internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("alive\n"));
        endpoints.MapGet("/readyz", async (ITelemetryStore store, CancellationToken cancellationToken) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await store.CheckReadyAsync(timeout.Token);
                return Results.Text($"ready: {store.ProviderName} storage reachable, schema current\n");
            }
            catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return Results.Text($"not ready: {store.ProviderName} storage: {error.Message}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
    }
}

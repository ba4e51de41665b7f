using System.Globalization;
using Observability.SampleWorkload.Launcher;
using Observability.SampleWorkload.Shared;

namespace Observability.SampleWorkload.Faults;

/// <summary>
/// deploy: a rolling restart of every instance of one service with the next patch version, one instance at a time
/// so the others keep serving; emits the deployment span and log records. Ends when the rollout is done, or is cut
/// short (status failed) when the fault's duration runs out first. With the change's commit time, a successful rollout
/// also records its lead time (commit to running everywhere).
/// </summary>
internal sealed class DeployEffect(string id, string role, DateTimeOffset? committedAt, ServiceSupervisor supervisor, ILogger logger) : IFaultEffect
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _rollout;

    /// <summary>Completes when every instance runs the new version (or the rollout failed).</summary>
    public Task Completion => _rollout ?? Task.CompletedTask;

    public Task<string> StartAsync(CancellationToken cancellationToken)
    {
        var instances = supervisor.Instances.Where(instance => instance.Role == role).ToList();
        var version = NextVersion(instances.Select(instance => instance.Version));
        var service = KnownRoles.ServiceName(role);
        var activity = FaultTelemetry.DeploymentStarted(logger, id, service, version);
        _rollout = Task.Run(async () =>
        {
            var status = "succeeded";
            try
            {
                foreach (var instance in instances)
                {
                    await supervisor.RestartAsync(instance, version, _stop.Token);
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or InvalidOperationException)
            {
                status = "failed";
                logger.LogError(exception, "Deployment {DeploymentId} failed", id);
            }
            FaultTelemetry.DeploymentEnded(logger, activity, id, service, version, status, committedAt);
        }, CancellationToken.None);
        return Task.FromResult($"{service} {version} rolling out to {instances.Count} instance(s)");
    }

    public async Task EndAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        await Completion;
        _stop.Dispose();
    }

    /// <summary>1.0.0 becomes 1.0.1: the highest version running, with its last number raised.</summary>
    public static string NextVersion(IEnumerable<string> versions)
    {
        var current = versions.Select(text => Version.TryParse(text, out var parsed) ? parsed : new Version(1, 0, 0)).DefaultIfEmpty(new Version(1, 0, 0)).Max()!;
        return string.Create(CultureInfo.InvariantCulture, $"{current.Major}.{current.Minor}.{Math.Max(current.Build, 0) + 1}");
    }
}

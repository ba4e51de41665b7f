using System.Diagnostics;
using Observability.SampleWorkload.Shared;

namespace Observability.SampleWorkload.Faults;

/// <summary>
/// The ground truth of every fault and deployment, from which MTTD and deployment duration are measured: a log
/// record and a span carrying fault.* (or deployment.*) attributes, emitted by the gateway through WorkloadTelemetry.
/// </summary>
internal static class FaultTelemetry
{
    /// <summary>One observation per finished deployment, in seconds: the roadmap's deployment duration and frequency.</summary>
    private static readonly System.Diagnostics.Metrics.Histogram<double> DeploymentDuration = WorkloadTelemetry.Meter.CreateHistogram<double>(
        "deployment.duration", "s", "Time from a deployment's start to its end",
        advice: new System.Diagnostics.Metrics.InstrumentAdvice<double> { HistogramBucketBoundaries = [5, 10, 30, 60, 120, 300, 600, 1800, 3600] });

    /// <summary>One observation per successful deployment with a known commit time, in seconds: the roadmap's lead time.</summary>
    private static readonly System.Diagnostics.Metrics.Histogram<double> DeploymentLeadTime = WorkloadTelemetry.Meter.CreateHistogram<double>(
        "deployment.lead_time", "s", "Time from a change's commit to its deployment finishing",
        advice: new System.Diagnostics.Metrics.InstrumentAdvice<double> { HistogramBucketBoundaries = [600, 1800, 3600, 7200, 14400, 28800, 86400, 259200, 604800] });

    /// <summary>A root span "fault.start" or "fault.end" with a "fault" event, and a log record, with the fault's attributes.</summary>
    public static void FaultBoundary(ILogger logger, FaultRecord fault, bool start)
    {
        var name = start ? "fault.start" : "fault.end";
        var attributes = new ActivityTagsCollection
        {
            ["fault.id"] = fault.Id,
            ["fault.kind"] = fault.Kind,
            ["fault.target"] = fault.Target,
            ["fault.status"] = fault.Status,
        };
        using (var activity = StartRoot(name))
        {
            foreach (var (key, value) in attributes)
            {
                activity?.SetTag(key, value);
            }
            activity?.AddEvent(new ActivityEvent("fault", tags: attributes));
        }
        using (logger.BeginScope(attributes.ToDictionary(pair => pair.Key, pair => pair.Value)))
        {
            if (start)
            {
                logger.LogWarning("Fault {FaultId} ({FaultKind}) started on {FaultTarget} until {EndsAt:O}: {Detail}", fault.Id, fault.Kind, fault.Target, fault.EndsAt, fault.Detail);
            }
            else
            {
                logger.LogWarning("Fault {FaultId} ({FaultKind}) on {FaultTarget} {Status}: {Detail}", fault.Id, fault.Kind, fault.Target, fault.Status, fault.Detail);
            }
        }
    }

    /// <summary>Starts the span "deployment" that lasts the whole rollout, and logs its start.</summary>
    public static Activity? DeploymentStarted(ILogger logger, string deploymentId, string service, string version)
    {
        var activity = StartRoot("deployment");
        activity?.SetTag("deployment.id", deploymentId);
        activity?.SetTag("deployment.version", version);
        activity?.SetTag("deployment.status", "started");
        activity?.SetTag("fault.id", deploymentId);
        activity?.SetTag("fault.kind", FaultKinds.Deploy);
        activity?.SetTag("fault.target", service);
        activity?.SetTag("service.name", service);
        LogDeployment(logger, deploymentId, service, version, "started");
        return activity;
    }

    /// <summary>Ends the deployment span with its outcome (succeeded or failed) and logs it.</summary>
    public static void DeploymentEnded(ILogger logger, Activity? activity, string deploymentId, string service, string version, string status, DateTimeOffset? committedAt)
    {
        if (status == "succeeded" && committedAt is { } committed)
        {
            activity?.SetTag("deployment.lead_time_seconds", (DateTimeOffset.UtcNow - committed).TotalSeconds);
            DeploymentLeadTime.Record((DateTimeOffset.UtcNow - committed).TotalSeconds, new KeyValuePair<string, object?>("service.name", service));
        }
        activity?.SetTag("deployment.status", status);
        if (status != "succeeded")
        {
            activity?.SetStatus(ActivityStatusCode.Error, status);
        }
        activity?.Dispose();
        if (activity is not null)
        {
            DeploymentDuration.Record(activity.Duration.TotalSeconds,
                new KeyValuePair<string, object?>("deployment.status", status), new KeyValuePair<string, object?>("service.name", service));
        }
        LogDeployment(logger, deploymentId, service, version, status);
    }

    private static void LogDeployment(ILogger logger, string deploymentId, string service, string version, string status)
    {
        using (logger.BeginScope(new Dictionary<string, object?>
        {
            ["deployment.id"] = deploymentId,
            ["deployment.version"] = version,
            ["deployment.status"] = status,
            ["fault.id"] = deploymentId,
            ["fault.kind"] = FaultKinds.Deploy,
            ["fault.target"] = service,
        }))
        {
            logger.LogWarning("Deployment {DeploymentId} of {Service} version {Version} {Status}", deploymentId, service, version, status);
        }
    }

    // Ground truth stands on its own: not a child of the POST /faults request, nor of whatever ran before.
    private static Activity? StartRoot(string name)
    {
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            return WorkloadTelemetry.Source.StartActivity(name, ActivityKind.Internal);
        }
        finally
        {
            Activity.Current = previous;
        }
    }
}

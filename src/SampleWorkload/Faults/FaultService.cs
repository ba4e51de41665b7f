using System.Globalization;
using Observability.SampleWorkload.Launcher;
using Observability.SampleWorkload.Shared;

namespace Observability.SampleWorkload.Faults;

/// <summary>The outcome of POST /faults: the fault, or the status code and message naming what was wrong.</summary>
internal sealed record FaultOutcome(FaultRecord? Fault, int StatusCode, string? Error);

/// <summary>
/// Starts faults, ends each after its duration (or when the launcher stops), and keeps the list GET /faults shows.
/// Every start and end emits its ground-truth telemetry.
/// </summary>
internal sealed class FaultService(FaultContext context, HttpClient http, ILogger<FaultService> logger, TimeProvider time) : IAsyncDisposable
{
    private const double DefaultDbSlowHoldSeconds = 0.5;
    private readonly Lock _lock = new();
    private readonly List<FaultRecord> _faults = [];
    private readonly Dictionary<string, RunningFault> _running = [];
    private int _sequence;
    private bool _stopped;

    public IReadOnlyList<FaultRecord> List()
    {
        lock (_lock)
        {
            return [.. _faults];
        }
    }

    public async Task<FaultOutcome> StartAsync(FaultRequest request, CancellationToken cancellationToken)
    {
        string id;
        lock (_lock)
        {
            if (_stopped)
            {
                return new FaultOutcome(null, StatusCodes.Status409Conflict, "the workload is stopping");
            }
            id = $"f-{++_sequence}";
        }
        var (effect, target, error, status) = Plan(id, request);
        if (effect is null)
        {
            return new FaultOutcome(null, status, error);
        }
        lock (_lock)
        {
            // One fault at a time per server or deployment: two overlapping ones would undo each other at the first end.
            if (!FaultKinds.TargetsInstances(request.Kind) || request.Kind == FaultKinds.Deploy)
            {
                if (_running.Values.FirstOrDefault(other => other.Fault.Kind == request.Kind) is { } other)
                {
                    return new FaultOutcome(null, StatusCodes.Status409Conflict, $"kind {request.Kind} is already active as {other.Fault.Id} until {other.Fault.EndsAt:O}");
                }
            }
        }

        var startedAt = time.GetUtcNow();
        string detail;
        try
        {
            detail = await effect.StartAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or Npgsql.NpgsqlException or StackExchange.Redis.RedisException)
        {
            logger.LogError(exception, "Fault {FaultId} ({FaultKind}) could not start", id, request.Kind);
            return new FaultOutcome(null, StatusCodes.Status502BadGateway, $"{request.Kind} could not start on {target}: {exception.Message}");
        }

        var fault = new FaultRecord
        {
            Id = id,
            Kind = request.Kind,
            Target = target,
            StartedAt = startedAt,
            EndsAt = startedAt.AddSeconds(request.DurationSeconds),
            Status = "active",
            Detail = detail,
        };
        var stop = new CancellationTokenSource();
        var running = new RunningFault(fault, effect, stop);
        lock (_lock)
        {
            _faults.Add(fault);
            _running[id] = running;
        }
        if (request.Kind != FaultKinds.Deploy)
        {
            FaultTelemetry.FaultBoundary(logger, fault, start: true);
        }
        running.Ending = Task.Run(() => EndLaterAsync(running, TimeSpan.FromSeconds(request.DurationSeconds)), CancellationToken.None);
        return new FaultOutcome(fault, StatusCodes.Status201Created, null);
    }

    /// <summary>Ends every active fault now, as the launcher stops, so nothing stays paused or locked.</summary>
    public async Task EndAllAsync()
    {
        List<RunningFault> running;
        lock (_lock)
        {
            _stopped = true;
            running = [.. _running.Values];
        }
        foreach (var fault in running)
        {
            await fault.Stop.CancelAsync();
        }
        await Task.WhenAll(running.Select(fault => fault.Ending ?? Task.CompletedTask));
    }

    public async ValueTask DisposeAsync() => await EndAllAsync();

    private async Task EndLaterAsync(RunningFault running, TimeSpan duration)
    {
        try
        {
            var deadline = Task.Delay(duration, time, running.Stop.Token);
            await (running.Effect is DeployEffect deploy ? Task.WhenAny(deadline, deploy.Completion).Unwrap() : deadline);
        }
        catch (OperationCanceledException)
        {
            // Ended early: the launcher is stopping.
        }
        var status = "ended";
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await running.Effect.EndAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or OperationCanceledException
            or Npgsql.NpgsqlException or StackExchange.Redis.RedisException)
        {
            status = "failed";
            logger.LogError(exception, "Fault {FaultId} ({FaultKind}) could not be ended cleanly", running.Fault.Id, running.Fault.Kind);
        }
        FaultRecord ended;
        lock (_lock)
        {
            ended = running.Fault with { Status = status, EndedAt = time.GetUtcNow() };
            _faults[_faults.IndexOf(running.Fault)] = ended;
            _running.Remove(running.Fault.Id);
        }
        if (running.Fault.Kind != FaultKinds.Deploy)
        {
            FaultTelemetry.FaultBoundary(logger, ended, start: false);
        }
        running.Stop.Dispose();
    }

    /// <summary>Checks the request against what this phase runs and builds the effect; 400 or 409 naming the field when it cannot.</summary>
    private (IFaultEffect? Effect, string Target, string? Error, int Status) Plan(string id, FaultRequest request)
    {
        if (FaultKinds.ServerTarget(request.Kind) is { } serverTarget)
        {
            if (request.Target is not null && request.Target != serverTarget)
            {
                return (null, "", $"target of {request.Kind} can only be {serverTarget} (or left out), got '{request.Target}'", StatusCodes.Status400BadRequest);
            }
            return request.Kind switch
            {
                FaultKinds.DbSlow when context.Databases is null =>
                    (null, serverTarget, "db-slow needs a database; none is configured", StatusCodes.Status409Conflict),
                FaultKinds.DbSlow => (new DbSlowEffect(context.Databases.PrimaryAdmin, request.Magnitude ?? DefaultDbSlowHoldSeconds), serverTarget, null, 0),
                FaultKinds.ReplicaLag when context.Phase < 3 || context.Databases?.ReplicaAdmin is null =>
                    (null, serverTarget, $"replica-lag needs the read replica of phase 3 and later; this is phase {context.Phase}", StatusCodes.Status409Conflict),
                FaultKinds.ReplicaLag => (new ReplicaLagEffect(context.Databases!.ReplicaAdmin!), serverTarget, null, 0),
                _ when context.Phase < 2 || !context.HasRedis =>
                    (null, serverTarget, $"cache-down needs the Redis of phase 2 and later; this is phase {context.Phase}", StatusCodes.Status409Conflict),
                _ => (new CacheDownEffect(context, request.DurationSeconds), serverTarget, null, 0),
            };
        }

        var requested = request.Target ?? KnownRoles.ServiceName(KnownRoles.Storefront);
        var instances = context.Supervisor.Instances;
        var byInstance = instances.Where(instance => instance.Id == requested).ToList();
        var byService = instances.Where(instance => KnownRoles.ServiceName(instance.Role) == requested).ToList();
        var matched = byInstance.Count > 0 ? byInstance : byService;
        if (matched.Count == 0)
        {
            var known = instances.Select(instance => KnownRoles.ServiceName(instance.Role)).Distinct().Concat(instances.Select(instance => instance.Id));
            return instances.Count == 0
                ? (null, requested, $"{request.Kind} needs service instances; this launcher runs none (--max-instances 0)", StatusCodes.Status409Conflict)
                : (null, requested, $"target must be one of {string.Join(", ", known)}, got '{requested}'", StatusCodes.Status400BadRequest);
        }
        switch (request.Kind)
        {
            case FaultKinds.InstanceCrash:
                var victim = matched.FirstOrDefault(instance => instance.ProcessId is not null && !instance.HeldDown);
                return victim is null
                    ? (null, requested, $"target {requested} has no running instance left to crash", StatusCodes.Status409Conflict)
                    : (new InstanceCrashEffect(context.Supervisor, victim), victim.Id, null, 0);
            case FaultKinds.Deploy:
                if (byInstance.Count > 0)
                {
                    return (null, requested, $"target of deploy must be a service name such as {KnownRoles.ServiceName(KnownRoles.Storefront)}, not one instance", StatusCodes.Status400BadRequest);
                }
                return (new DeployEffect(id, matched[0].Role, request.CommittedAt, context.Supervisor, logger), requested, null, 0);
            default:
                if (request.Kind == FaultKinds.Errors && request.Magnitude is > 1)
                {
                    return (null, requested, "magnitude of errors is the fraction of requests that fail, from 0 to 1", StatusCodes.Status400BadRequest);
                }
                // An instance that is down (crashed by another fault) has no pipeline to slow; the others still get it.
                var running = matched.Where(instance => instance.ProcessId is not null).ToList();
                return running.Count == 0
                    ? (null, requested, $"target {requested} has no running instance", StatusCodes.Status409Conflict)
                    : (new InstanceFaultEffect(id, request, running, context.ControlToken, http), requested, null, 0);
        }
    }

    private sealed class RunningFault(FaultRecord fault, IFaultEffect effect, CancellationTokenSource stop)
    {
        public FaultRecord Fault { get; } = fault;

        public IFaultEffect Effect { get; } = effect;

        public CancellationTokenSource Stop { get; } = stop;

        public Task? Ending { get; set; }
    }
}

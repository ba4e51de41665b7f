using Observability.Collector.Query;
using Observability.Core.Kpis;
using Observability.Core.Roadmap;
using Observability.Core.Security;

namespace Observability.Collector.Roadmap;

/// <summary>
/// GET /api/roadmap (verdicts per phase and target), GET /api/kpis and /api/kpis/{id} (series), POST
/// /api/kpis/{id}/baseline, and load-test evidence per phase. See docs/roadmap.md.
/// </summary>
internal static class RoadmapEndpoints
{
    private static readonly TimeSpan Freshness = RoadmapHistory.Freshness;

    private const int MaxSamples = 200_000;

    public static IEndpointRouteBuilder MapRoadmapApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/roadmap", GetRoadmapAsync);
        endpoints.MapGet("/api/kpis", GetKpisAsync);
        endpoints.MapGet("/api/kpis/{id}", GetSeriesAsync);
        endpoints.MapPost("/api/kpis/{id}/baseline", RecordBaselineAsync).RequireAuthorization(KnownPolicies.Operate);
        endpoints.MapPost("/api/roadmap/phases/{phase:int}/loadtests", AddLoadTestAsync).RequireAuthorization(KnownPolicies.Operate);
        return endpoints;
    }

    private static async Task<IResult> GetRoadmapAsync(HttpRequest request, RoadmapDefinition roadmap, IKpiStore kpis, TimeProvider time, CancellationToken cancellationToken)
    {
        var windowName = QueryArguments.Single(request, "window") ?? "1h";
        if (RoadmapHistory.WindowLength(windowName) is not { } length)
        {
            return QueryJson.Error(StatusCodes.Status400BadRequest, $"window '{windowName}' is not one of: {string.Join(", ", RoadmapHistory.Windows.Select(w => w.Key))}");
        }
        var verdict = await RoadmapHistory.EvaluateEndingAsync(roadmap, kpis, time.GetUtcNow(), length, cancellationToken);
        var loadTests = await kpis.GetLoadTestsAsync(cancellationToken);
        var baselines = await kpis.GetBaselinesAsync(cancellationToken);
        return QueryJson.Ok(new
        {
            window = windowName,
            from = verdict.Window.From.UtcDateTime,
            to = verdict.Window.To.UtcDateTime,
            currentPhase = verdict.CurrentPhase,
            phases = verdict.Phases.Select(phase =>
            {
                var definition = roadmap.Phase(phase.PhaseNumber!.Value)!;
                return new
                {
                    number = phase.PhaseNumber,
                    name = phase.Name,
                    months = $"{definition.FirstMonth}-{definition.LastMonth}",
                    verdict = phase.Verdict,
                    summary = phase.Summary,
                    targets = phase.Targets.Select(t => Target(t, windowName)),
                    infrastructure = roadmap.InfrastructureFor(definition.Number),
                    evidence = loadTests.Where(l => l.Phase == definition.Number),
                };
            }),
            endState = new
            {
                verdict = verdict.EndState.Verdict,
                summary = verdict.EndState.Summary,
                targets = verdict.EndState.Targets.Select(t => Target(t, windowName)),
            },
            baselines,
        });
    }

    private static object Target(TargetVerdict verdict, string window) => new
    {
        id = verdict.Target.Id,
        metric = verdict.Target.Metric,
        text = verdict.Target.Text,
        comparator = verdict.Target.Comparator.Symbol(),
        threshold = verdict.Target.Threshold,
        unit = verdict.Target.Unit,
        baselinePhase = verdict.Target.BaselinePhase,
        actual = verdict.Measurement.Value,
        status = verdict.Status switch { TargetStatus.Met => "met", TargetStatus.Missed => "missed", _ => "no-data" },
        reason = verdict.Measurement.NoDataReason,
        detail = verdict.Measurement.Detail,
        summary = verdict.Summary,
        window,
        measuredAt = verdict.Measurement.To.UtcDateTime,
    };

    private static async Task<IResult> GetKpisAsync(IKpiStore kpis, KpiJob job, TimeProvider time, CancellationToken cancellationToken)
    {
        var latest = (await kpis.GetLatestSamplesAsync(time.GetUtcNow() - Freshness, cancellationToken)).ToDictionary(s => s.KpiId, StringComparer.Ordinal);
        return QueryJson.Ok(new
        {
            kpis = job.KpiIds.Select(id => new
            {
                id,
                unit = KnownKpis.All[id].Unit,
                description = KnownKpis.All[id].Description,
                latest = latest.TryGetValue(id, out var sample) ? Sample(sample) : null,
            }),
        });
    }

    private static async Task<IResult> GetSeriesAsync(string id, HttpRequest request, IKpiStore kpis, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!KnownKpis.All.ContainsKey(id))
        {
            return QueryJson.Error(StatusCodes.Status404NotFound, $"no KPI named '{id}'; known: {string.Join(", ", KnownKpis.All.Keys)}");
        }
        return await QueryJson.HandleAsync(async () =>
        {
            var (from, to) = QueryArguments.TimeRange(request, time);
            var samples = await kpis.GetSamplesAsync(id, Core.Telemetry.UnixTime.ToDateTimeOffset(from), Core.Telemetry.UnixTime.ToDateTimeOffset(to), MaxSamples, cancellationToken);
            return QueryJson.Ok(new
            {
                id,
                unit = KnownKpis.All[id].Unit,
                from = Core.Telemetry.UnixTime.Format(from),
                to = Core.Telemetry.UnixTime.Format(to),
                samples = samples.Select(Sample),
                noData = samples.Count == 0 ? $"{id} was not measured in [{Core.Telemetry.UnixTime.Format(from)}, {Core.Telemetry.UnixTime.Format(to)})" : null,
            });
        });
    }

    private static object Sample(KpiSample sample) => new
    {
        measuredAt = sample.MeasuredAt.UtcDateTime,
        windowSeconds = (long)sample.Window.TotalSeconds,
        value = sample.Measurement.Value,
        reason = sample.Measurement.NoDataReason,
        detail = sample.Measurement.Detail,
    };

    /// <summary>Body of POST /api/kpis/{id}/baseline; every field optional.</summary>
    private sealed record BaselineRequest(DateTimeOffset? From, DateTimeOffset? To, int? Phase);

    private static async Task<IResult> RecordBaselineAsync(
        string id, HttpRequest request, KpiCalculator calculator, IKpiStore kpis, RoadmapDefinition roadmap, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!KnownKpis.All.TryGetValue(id, out var kpi))
        {
            return QueryJson.Error(StatusCodes.Status404NotFound, $"no KPI named '{id}'; known: {string.Join(", ", KnownKpis.All.Keys)}");
        }
        if (kpi.IsChange)
        {
            return QueryJson.Error(StatusCodes.Status400BadRequest, $"'{id}' is itself a change; record the baseline of {KnownKpis.BaseOf(id)}");
        }
        var body = await QueryJson.ReadBodyAsync<BaselineRequest>(request, cancellationToken, empty: new BaselineRequest(null, null, null));
        if (body is null)
        {
            return QueryJson.Error(StatusCodes.Status400BadRequest, "the body is not JSON of the form {\"from\",\"to\",\"phase\"}");
        }
        var to = body.To ?? time.GetUtcNow();
        var from = body.From ?? to - TimeSpan.FromHours(1);
        if (from >= to)
        {
            return QueryJson.Error(StatusCodes.Status400BadRequest, $"from ({from:O}) must be before to ({to:O})");
        }
        if (body.Phase is { } phase && roadmap.Phase(phase) is null)
        {
            return QueryJson.Error(StatusCodes.Status400BadRequest, $"phase {phase} is not a phase of the roadmap (1 to {roadmap.Phases[^1].Number})");
        }
        var measurement = await calculator.MeasureAsync(id, new KpiWindow(from, to), cancellationToken);
        if (measurement.Value is not { } value)
        {
            return QueryJson.Error(StatusCodes.Status409Conflict, $"{id} has no value from {from:O} to {to:O} to record: {measurement.NoDataReason}");
        }
        var baseline = new KpiBaseline(id, value, time.GetUtcNow(), from, to, body.Phase, request.HttpContext.User.Identity?.Name ?? "api");
        await kpis.SetBaselineAsync(baseline, cancellationToken);
        return Results.Json(baseline, QueryJson.Options, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Body of POST /api/roadmap/phases/{phase}/loadtests.</summary>
    private sealed record LoadTestRequest(int? Users, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, string? Note);

    private static async Task<IResult> AddLoadTestAsync(int phase, HttpRequest request, RoadmapDefinition roadmap, IKpiStore kpis, TimeProvider time, CancellationToken cancellationToken)
    {
        if (roadmap.Phase(phase) is null)
        {
            return QueryJson.Error(StatusCodes.Status404NotFound, $"phase {phase} is not a phase of the roadmap (1 to {roadmap.Phases[^1].Number})");
        }
        var body = await QueryJson.ReadBodyAsync<LoadTestRequest>(request, cancellationToken);
        string? problem = body switch
        {
            null => "the body is not JSON of the form {\"users\",\"startedAt\",\"endedAt\",\"note\"}",
            { Users: null or < 1 } => "users must be a whole number of at least 1",
            { StartedAt: null } => "startedAt is required (RFC 3339)",
            { EndedAt: null } => "endedAt is required (RFC 3339)",
            _ when body.EndedAt <= body.StartedAt => "endedAt must be after startedAt",
            _ => null,
        };
        if (problem is not null)
        {
            return QueryJson.Error(StatusCodes.Status400BadRequest, problem);
        }
        var record = new LoadTestRecord(
            "lt-" + Guid.NewGuid().ToString("N")[..12], phase, body!.Users!.Value, body.StartedAt!.Value, body.EndedAt!.Value,
            body.Note ?? "", request.HttpContext.User.Identity?.Name ?? "api", time.GetUtcNow());
        await kpis.AddLoadTestAsync(record, cancellationToken);
        return Results.Json(record, QueryJson.Options, statusCode: StatusCodes.Status201Created);
    }
}

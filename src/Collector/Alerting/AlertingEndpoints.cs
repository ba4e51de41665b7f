using System.Text.Json;
using Observability.Collector.Query;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Incidents;
using Observability.Core.Alerting.Slo;
using Observability.Core.Kpis;
using Observability.Core.Roadmap;
using Observability.Core.Security;

namespace Observability.Collector.Alerting;

/// <summary>
/// Alerts and their acknowledgement, silences, incidents with their timelines, and the webhook delivery log. Reads are
/// open; writes need a token of a role that may respond (see docs/configuration.md). See docs/alerting.md.
/// </summary>
internal static class AlertingEndpoints
{
    private static readonly string[] AlertStates = ["firing", "pending", "resolved"];

    public static IEndpointRouteBuilder MapAlertingApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/alerts", GetAlertsAsync);
        endpoints.MapGet("/api/alerts/rules", GetRulesAsync);
        endpoints.MapGet("/api/slos", GetSlosAsync);
        endpoints.MapGet("/api/slos/{name}", GetSloAsync);
        endpoints.MapPost("/api/alerts/{fingerprint}/ack", AcknowledgeAsync).RequireAuthorization(KnownPolicies.Respond);
        endpoints.MapGet("/api/silences", GetSilencesAsync);
        endpoints.MapPost("/api/silences", AddSilenceAsync).RequireAuthorization(KnownPolicies.Respond);
        endpoints.MapDelete("/api/silences/{id}", ExpireSilenceAsync).RequireAuthorization(KnownPolicies.Respond);
        endpoints.MapGet("/api/incidents", GetIncidentsAsync);
        endpoints.MapPost("/api/incidents", OpenIncidentAsync).RequireAuthorization(KnownPolicies.Respond);
        endpoints.MapGet("/api/incidents/{id}", GetIncidentAsync);
        endpoints.MapPost("/api/incidents/{id}/resolve", ResolveIncidentAsync).RequireAuthorization(KnownPolicies.Respond);
        endpoints.MapPost("/api/incidents/{id}/timeline", RecordStepAsync).RequireAuthorization(KnownPolicies.Respond);
        endpoints.MapGet("/api/notifications", GetNotificationsAsync);
        return endpoints;
    }

    private static string Author(HttpRequest request) => request.HttpContext.User.Identity?.Name ?? "api";

    private static async Task<IResult> GetAlertsAsync(HttpRequest request, IAlertingStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var state = QueryArguments.Single(request, "state");
        if (state is not null && !AlertStates.Contains(state))
        {
            return QueryJson.Error(StatusCodes.Status400BadRequest, $"state '{state}' is not one of: {string.Join(", ", AlertStates)}");
        }
        var now = time.GetUtcNow();
        var alerts = (await store.GetAlertsAsync(cancellationToken))
            .Where(a => a.State != AlertState.Inactive && (state is null || a.State.ToString().Equals(state, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(a => a.State).ThenByDescending(a => a.FiringSince ?? a.ActiveSince);
        return QueryJson.Ok(new { alerts = alerts.Select(Alert) });
    }

    private static async Task<IResult> GetRulesAsync(AlertRuleSet rules, AlertingJob job, IAlertingStore store, CancellationToken cancellationToken)
    {
        var statuses = AlertRuleStatus.Of(rules, await store.GetAlertsAsync(cancellationToken), job.LastTick);
        return QueryJson.Ok(new
        {
            source = rules.SourcePath,
            rules = statuses.Select(status => new
            {
                id = status.Rule.Id,
                name = status.Rule.Name,
                severity = status.Rule.Severity,
                expression = status.Rule.Describe(),
                condition = status.Rule.Condition,
                comparator = status.Rule.Comparator.Symbol(),
                threshold = status.Rule.Threshold,
                windowSeconds = status.Rule.Window.TotalSeconds,
                forSeconds = status.Rule.For.TotalSeconds,
                labels = status.Rule.Labels,
                annotations = status.Rule.Annotations,
                firing = status.Firing,
                pending = status.Pending,
                lastEvaluation = status.LastEvaluation is { } evaluation
                    ? new { at = evaluation.EvaluatedAt.UtcDateTime, series = evaluation.Series, noDataSeries = evaluation.NoDataSeries, error = evaluation.Error, durationMs = evaluation.DurationMilliseconds }
                    : null,
            }),
        });
    }

    private static async Task<IResult> GetSlosAsync(AlertRuleSet rules, IKpiStore kpis, TimeProvider time, CancellationToken cancellationToken)
    {
        var latest = await kpis.GetLatestSamplesAsync(time.GetUtcNow() - TimeSpan.FromMinutes(1), cancellationToken);
        return QueryJson.Ok(new
        {
            slos = rules.Slos.Select(slo => new
            {
                name = slo.Name,
                service = slo.Service,
                indicator = slo.Indicator.Describe(),
                objective = slo.Objective,
                errorBudget = slo.ErrorBudget,
                window = slo.TimeWindow.Describe(),
                description = slo.Description,
                latest = latest.Where(sample => sample.KpiId.StartsWith(SloCalculator.SeriesPrefix(slo.Name), StringComparison.Ordinal))
                    .ToDictionary(sample => sample.KpiId[SloCalculator.SeriesPrefix(slo.Name).Length..], sample => new
                    {
                        value = sample.Measurement.Value,
                        unit = sample.Measurement.Unit,
                        reason = sample.Measurement.NoDataReason,
                        measuredAt = sample.MeasuredAt.UtcDateTime,
                    }),
            }),
        });
    }

    private static async Task<IResult> GetSloAsync(string name, HttpRequest request, AlertRuleSet rules, IKpiStore kpis, TimeProvider time, CancellationToken cancellationToken)
    {
        if (rules.Slos.FirstOrDefault(slo => slo.Name == name) is not { } found)
        {
            return QueryJson.Error(StatusCodes.Status404NotFound, $"no SLO named '{name}'; defined: {string.Join(", ", rules.Slos.Select(s => s.Name))}");
        }
        return await QueryJson.HandleAsync(async () =>
        {
            var (from, to) = QueryArguments.TimeRange(request, time);
            var series = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var (measure, id) in SloCalculator.SeriesOf(found.Name))
            {
                var samples = await kpis.GetSamplesAsync(id, Core.Telemetry.UnixTime.ToDateTimeOffset(from), Core.Telemetry.UnixTime.ToDateTimeOffset(to), 100_000, cancellationToken);
                series[measure] = samples.Select(sample => new { measuredAt = sample.MeasuredAt.UtcDateTime, value = sample.Measurement.Value, reason = sample.Measurement.NoDataReason });
            }
            return QueryJson.Ok(new { name = found.Name, objective = found.Objective, from = Core.Telemetry.UnixTime.Format(from), to = Core.Telemetry.UnixTime.Format(to), series });
        });
    }

    internal static object Alert(AlertInstance alert) => new
    {
        fingerprint = alert.Fingerprint,
        rule = alert.RuleName,
        state = alert.State.ToString().ToLowerInvariant(),
        labels = alert.Labels,
        annotations = alert.Annotations,
        value = alert.Value,
        activeSince = alert.ActiveSince?.UtcDateTime,
        startsAt = alert.FiringSince?.UtcDateTime,
        endsAt = alert.ResolvedAt?.UtcDateTime,
        impactStart = alert.ImpactStart?.UtcDateTime,
        evaluatedAt = alert.EvaluatedAt.UtcDateTime,
        acknowledgedBy = alert.AcknowledgedBy,
        acknowledgedAt = alert.AcknowledgedAt?.UtcDateTime,
    };

    private static async Task<IResult> AcknowledgeAsync(string fingerprint, HttpRequest request, AlertResponses responses, CancellationToken cancellationToken)
    {
        var outcome = await responses.AcknowledgeAsync(fingerprint, Author(request), cancellationToken);
        return outcome.Refusal is { } refusal ? Refused(refusal) : QueryJson.Ok(Alert(outcome.Value!));
    }

    private static IResult Refused(Refusal refusal) => QueryJson.Error(refusal.Kind switch
    {
        RefusalKind.NotFound => StatusCodes.Status404NotFound,
        RefusalKind.Conflict => StatusCodes.Status409Conflict,
        RefusalKind.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status400BadRequest,
    }, refusal.Message);

    private static async Task<IResult> GetSilencesAsync(HttpRequest request, IAlertingStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var includeExpired = QueryArguments.Single(request, "expired") == "true";
        var silences = await store.GetSilencesAsync(includeExpired ? DateTimeOffset.MinValue : now, cancellationToken);
        return QueryJson.Ok(new { silences = silences.Select(s => Silence(s, now)) });
    }

    private static object Silence(Silence silence, DateTimeOffset now) => new
    {
        id = silence.Id,
        matchers = silence.Matchers,
        startsAt = silence.StartsAt.UtcDateTime,
        endsAt = silence.EndsAt.UtcDateTime,
        createdBy = silence.CreatedBy,
        comment = silence.Comment,
        createdAt = silence.CreatedAt.UtcDateTime,
        status = AlertResponses.StatusOf(silence, now),
    };

    private static async Task<IResult> AddSilenceAsync(HttpRequest request, AlertResponses responses, TimeProvider time, CancellationToken cancellationToken)
    {
        SilenceDraft? body;
        try
        {
            body = await QueryJson.ReadBodyAsync<SilenceDraft>(request, cancellationToken);
        }
        catch (NotSupportedException)
        {
            body = null;
        }
        var outcome = await responses.AddSilenceAsync(body, Author(request), cancellationToken);
        return outcome.Refusal is { } refusal
            ? Refused(refusal)
            : Results.Json(Silence(outcome.Value!, time.GetUtcNow()), QueryJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ExpireSilenceAsync(string id, AlertResponses responses, CancellationToken cancellationToken) =>
        await responses.ExpireSilenceAsync(id, cancellationToken)
            ? Results.NoContent()
            : QueryJson.Error(StatusCodes.Status404NotFound, $"no active or pending silence '{id}'");

    private static async Task<IResult> GetIncidentsAsync(HttpRequest request, IAlertingStore store, TimeProvider time, CancellationToken cancellationToken) =>
        await QueryJson.HandleAsync(async () =>
        {
            var openOnly = QueryArguments.Single(request, "open") == "true";
            var limit = QueryArguments.Limit(request, 100, 1_000);
            DateTimeOffset? from = null, to = null;
            if (QueryArguments.Single(request, "from") is not null || QueryArguments.Single(request, "to") is not null)
            {
                var range = QueryArguments.TimeRange(request, time);
                (from, to) = (Core.Telemetry.UnixTime.ToDateTimeOffset(range.From), Core.Telemetry.UnixTime.ToDateTimeOffset(range.To));
            }
            var incidents = await store.GetIncidentsAsync(from, to, openOnly, limit, cancellationToken);
            return QueryJson.Ok(new { incidents = incidents.Select(Incident), statistics = Statistics(IncidentStatistics.Of(incidents)) });
        });

    private static object Statistics(IncidentStatistics statistics)
    {
        static object? Minutes(Core.Kpis.DurationStatistics? d) => d is null ? null : new
        {
            count = d.Count,
            meanMinutes = d.Mean.TotalMinutes,
            medianMinutes = d.Median.TotalMinutes,
            p90Minutes = d.P90.TotalMinutes,
        };
        return new { count = statistics.Count, mttd = Minutes(statistics.Mttd), mtta = Minutes(statistics.Mtta), mttr = Minutes(statistics.Mttr) };
    }

    internal static object Incident(Incident incident) => new
    {
        id = incident.Id,
        service = incident.Service,
        title = incident.Title,
        severity = incident.Severity,
        status = incident.IsOpen ? "open" : "resolved",
        impactStart = incident.ImpactStart.UtcDateTime,
        detectedAt = incident.DetectedAt.UtcDateTime,
        notifiedAt = incident.NotifiedAt?.UtcDateTime,
        acknowledgedAt = incident.AcknowledgedAt?.UtcDateTime,
        mitigatedAt = incident.MitigatedAt?.UtcDateTime,
        resolvedAt = incident.ResolvedAt?.UtcDateTime,
        timeToDetectMinutes = (incident.DetectedAt - incident.ImpactStart).TotalMinutes,
        timeToResolveMinutes = incident.ResolvedAt is { } resolved ? (resolved - incident.DetectedAt).TotalMinutes : (double?)null,
        openedBy = incident.OpenedBy,
        alerts = incident.AlertFingerprints,
    };

    private static async Task<IResult> GetIncidentAsync(string id, IAlertingStore store, CancellationToken cancellationToken)
    {
        if (await store.GetIncidentAsync(id, cancellationToken) is not { } incident)
        {
            return QueryJson.Error(StatusCodes.Status404NotFound, $"no incident '{id}'");
        }
        var events = await store.GetIncidentEventsAsync(id, cancellationToken);
        var alerts = (await store.GetAlertsAsync(cancellationToken)).Where(a => incident.AlertFingerprints.Contains(a.Fingerprint));
        return QueryJson.Ok(new
        {
            incident = Incident(incident),
            timeline = events.Select(e => new
            {
                at = e.At.UtcDateTime,
                kind = e.Kind,
                step = e.Step,
                oldValue = e.OldValue?.UtcDateTime,
                newValue = e.NewValue?.UtcDateTime,
                author = e.Author,
                note = e.Note,
            }),
            alerts = alerts.Select(Alert),
        });
    }

    /// <summary>Body of POST /api/incidents.</summary>
    private sealed record OpenRequest(string? Service, string? Title, string? Severity, DateTimeOffset? ImpactStart, string? Note);

    private static async Task<IResult> OpenIncidentAsync(HttpRequest request, IncidentService incidents, CancellationToken cancellationToken)
    {
        var body = await QueryJson.ReadBodyAsync<OpenRequest>(request, cancellationToken);
        string? problem = body switch
        {
            null => "the body is not JSON of the form {\"service\",\"title\",\"severity\",\"impactStart\",\"note\"}",
            { Service: null or "" } => "service is required",
            { Title: null or "" } => "title is required",
            _ => null,
        };
        if (problem is not null)
        {
            return QueryJson.Error(StatusCodes.Status400BadRequest, problem);
        }
        try
        {
            var incident = await incidents.OpenAsync(body!.Service!, body.Title!, body.Severity ?? IncidentService.PageSeverity, body.ImpactStart, Author(request), body.Note ?? "opened by hand", cancellationToken);
            return Results.Json(Incident(incident), QueryJson.Options, statusCode: StatusCodes.Status201Created);
        }
        catch (IncidentException error)
        {
            return QueryJson.Error(StatusCodes.Status400BadRequest, error.Message);
        }
    }

    /// <summary>Body of POST /api/incidents/{id}/resolve and /timeline.</summary>
    private sealed record StepRequest(string? Step, DateTimeOffset? At, string? Note);

    private static Task<IResult> ResolveIncidentAsync(string id, HttpRequest request, IncidentService incidents, CancellationToken cancellationToken) =>
        RecordAsync(id, IncidentSteps.Resolved, request, incidents, cancellationToken);

    private static Task<IResult> RecordStepAsync(string id, HttpRequest request, IncidentService incidents, CancellationToken cancellationToken) =>
        RecordAsync(id, null, request, incidents, cancellationToken);

    private static async Task<IResult> RecordAsync(string id, string? fixedStep, HttpRequest request, IncidentService incidents, CancellationToken cancellationToken)
    {
        var body = await QueryJson.ReadBodyAsync<StepRequest>(request, cancellationToken, empty: new StepRequest(null, null, null));
        if (body is null)
        {
            return QueryJson.Error(StatusCodes.Status400BadRequest, "the body is not JSON of the form {\"step\",\"at\",\"note\"}");
        }
        var step = fixedStep ?? body.Step;
        if (step is null)
        {
            return QueryJson.Error(StatusCodes.Status400BadRequest, $"step is required: one of {string.Join(", ", IncidentSteps.All)}");
        }
        try
        {
            return await incidents.RecordStepAsync(id, step, body.At, Author(request), body.Note ?? "", cancellationToken) is { } incident
                ? QueryJson.Ok(Incident(incident))
                : QueryJson.Error(StatusCodes.Status404NotFound, $"no incident '{id}'");
        }
        catch (IncidentException error)
        {
            return QueryJson.Error(StatusCodes.Status400BadRequest, error.Message);
        }
    }

    private static async Task<IResult> GetNotificationsAsync(HttpRequest request, IAlertingStore store, CancellationToken cancellationToken) =>
        await QueryJson.HandleAsync(async () =>
        {
            var receiver = QueryArguments.Single(request, "receiver");
            var limit = QueryArguments.Limit(request, 100, 1_000);
            var notifications = await store.GetNotificationsAsync(receiver, limit, cancellationToken);
            var rows = new List<object>(notifications.Count);
            foreach (var notification in notifications)
            {
                var attempts = await store.GetAttemptsAsync(notification.Id, cancellationToken);
                using var payload = JsonDocument.Parse(notification.Payload);
                rows.Add(new
                {
                    id = notification.Id,
                    receiver = notification.Receiver,
                    groupKey = notification.GroupKey,
                    idempotencyKey = notification.IdempotencyKey,
                    status = notification.Status,
                    delivery = notification.Delivery.ToString().ToLowerInvariant(),
                    createdAt = notification.CreatedAt.UtcDateTime,
                    nextAttemptAt = notification.NextAttemptAt?.UtcDateTime,
                    deliveredAt = notification.DeliveredAt?.UtcDateTime,
                    lastError = notification.LastError,
                    attempts = attempts.Select(a => new { attempt = a.Attempt, at = a.At.UtcDateTime, statusCode = a.StatusCode, latencyMs = a.LatencyMs, error = a.Error }),
                    payload = payload.RootElement.Clone(),
                });
            }
            return QueryJson.Ok(new { notifications = rows });
        });
}

using Observability.Core.Rollups;
using System.Globalization;
using Observability.Core.Telemetry;

namespace Observability.Collector.Query;

/// <summary>GET /api/red: request rate, error ratio and latency percentiles from the span rollups.</summary>
internal static class RedEndpoints
{
    private const int MaxPoints = 11_000;
    private static readonly TimeSpan[] NiceSteps =
    [
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromDays(1),
    ];

    public static void MapRedEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/red", HandleAsync);
    }

    private static async Task<IResult> HandleAsync(HttpRequest request, RedQueryService red, TimeProvider time, CancellationToken cancellationToken)
    {
        var service = NonEmpty(request.Query["service"]);
        var operation = NonEmpty(request.Query["operation"]);
        var now = time.GetUtcNow();
        if (!QueryParameters.TryTime(request.Query["to"], "to", now, out var to, out var error)
            || !QueryParameters.TryTime(request.Query["from"], "from", to - TimeSpan.FromHours(1), out var from, out error)
            || !TryKinds(request.Query["spanKind"], out var kinds, out error))
        {
            return QueryParameters.BadRequest(error);
        }
        if (from >= to)
        {
            return QueryParameters.BadRequest($"from ({from:O}) must be before to ({to:O})");
        }
        if (operation is not null && service is null)
        {
            return QueryParameters.BadRequest("operation needs service: operations are named within a service");
        }

        if (service is null)
        {
            var services = await red.ServicesAsync(kinds, from, to, cancellationToken);
            return Results.Ok(new
            {
                from = from.UtcDateTime,
                to = to.UtcDateTime,
                spanKinds = KindNames(kinds),
                services = services.Select(s => new { service = s.Service, red = s.Red }),
                noData = services.Count == 0 ? $"no {string.Join(" or ", KindNames(kinds))} spans from any service in [{from:O}, {to:O})" : null,
            });
        }

        TimeSpan step;
        if (request.Query.ContainsKey("step"))
        {
            if (!QueryParameters.TryDuration(request.Query["step"], "step", out step, out error))
            {
                return QueryParameters.BadRequest(error);
            }
            if (RollupCover.ResolutionForStep(step) is null)
            {
                return QueryParameters.BadRequest($"step '{request.Query["step"]}' must be a positive multiple of 10s, the finest rollup bucket");
            }
        }
        else
        {
            step = NiceSteps.FirstOrDefault(candidate => (to - from) / candidate <= 300, NiceSteps[^1]);
        }
        if ((to - from) / step > MaxPoints)
        {
            return QueryParameters.BadRequest($"step '{step.TotalSeconds}s' gives more than {MaxPoints} points over [{from:O}, {to:O}); use a larger step");
        }

        var points = await red.SeriesAsync(service, operation, kinds, from, to, step, cancellationToken);
        var any = points.Any(point => point.Requests > 0);
        return Results.Ok(new
        {
            service,
            operation,
            from = from.UtcDateTime,
            to = to.UtcDateTime,
            step = $"{step.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s",
            spanKinds = KindNames(kinds),
            points,
            noData = any ? null : $"no {string.Join(" or ", KindNames(kinds))} spans for service '{service}'{(operation is null ? "" : $" operation '{operation}'")} in [{from:O}, {to:O})",
        });
    }

    private static bool TryKinds(string? text, out IReadOnlyCollection<SpanKind>? kinds, out string error)
    {
        error = "";
        kinds = RedQueryService.DefaultKinds;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        var parsed = new List<SpanKind>();
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (name.Equals("all", StringComparison.OrdinalIgnoreCase))
            {
                kinds = null;
                return true;
            }
            if (!Enum.TryParse<SpanKind>(name, ignoreCase: true, out var kind) || kind == SpanKind.Unspecified || int.TryParse(name, out _))
            {
                error = $"spanKind '{name}' is not a span kind; use server, client, producer, consumer, internal or all";
                return false;
            }
            parsed.Add(kind);
        }
        kinds = parsed;
        return true;
    }

    private static IEnumerable<string> KindNames(IReadOnlyCollection<SpanKind>? kinds) =>
        kinds is null ? ["all"] : kinds.Select(kind => kind.ToString().ToLowerInvariant());

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

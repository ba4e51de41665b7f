using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Observability.SampleWorkload.Services.Hosting;
using Observability.SampleWorkload.Shared;

namespace Observability.SampleWorkload.Services.Faults;

/// <summary>POST/DELETE /internal/faults for the launcher, and the middleware that applies active faults to requests.</summary>
internal static class InstanceFaultEndpoints
{
    private const double DefaultLatencySeconds = 0.3;
    private const double DefaultErrorFraction = 0.5;
    private const double MaximumLatencySeconds = 60;
    private const double MaximumDurationSeconds = 24 * 3600;

    public static IServiceCollection AddInstanceFaults(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<InstanceFaultSwitch>();
        return services;
    }

    /// <summary>Applies active faults to every request except health, metrics and the fault switch itself.</summary>
    public static WebApplication UseInstanceFaults(this WebApplication app)
    {
        var faults = app.Services.GetRequiredService<InstanceFaultSwitch>();
        app.Use(async (context, next) =>
        {
            var active = faults.Active();
            if (active.Count == 0 || IsExempt(context.Request.Path))
            {
                await next(context);
                return;
            }
            foreach (var fault in active)
            {
                if (fault.Kind == InstanceFaultKinds.Latency)
                {
                    Mark(fault);
                    await Task.Delay(TimeSpan.FromSeconds(fault.Magnitude), context.RequestAborted);
                }
                else if (fault.Kind == InstanceFaultKinds.Errors && Random.Shared.NextDouble() < fault.Magnitude)
                {
                    Mark(fault);
                    context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                    await context.Response.WriteAsJsonAsync(new ApiError($"injected fault {fault.Id} ({fault.Kind})"));
                    return;
                }
            }
            await next(context);
        });
        return app;
    }

    public static WebApplication MapInstanceFaults(this WebApplication app, ServiceSettings settings)
    {
        var token = settings.ControlToken is null ? null : Encoding.UTF8.GetBytes(settings.ControlToken);
        app.MapPost(KnownPaths.InstanceFaults, async (HttpRequest request, InstanceFaultSwitch faults) =>
        {
            if (Authorize(request, token) is { } denied)
            {
                return denied;
            }
            var (body, error) = await ApiResults.ReadBodyAsync<InstanceFaultRequest>(request);
            if (error is not null)
            {
                return error;
            }
            if (body!.Id is not { Length: > 0 and <= 100 } id)
            {
                return ApiResults.BadRequest("id", "id is required: 1 to 100 characters");
            }
            if (body.Kind is not (InstanceFaultKinds.Latency or InstanceFaultKinds.Errors))
            {
                return ApiResults.BadRequest("kind", $"kind '{body.Kind}' is not accepted: use {InstanceFaultKinds.Latency} or {InstanceFaultKinds.Errors}");
            }
            if (body.DurationSeconds is not { } duration || !(duration > 0 && duration <= MaximumDurationSeconds))
            {
                return ApiResults.BadRequest("durationSeconds", $"durationSeconds is required: more than 0, at most {MaximumDurationSeconds}");
            }
            double magnitude;
            if (body.Kind == InstanceFaultKinds.Latency)
            {
                magnitude = body.Magnitude ?? DefaultLatencySeconds;
                if (!(magnitude >= 0 && magnitude <= MaximumLatencySeconds))
                {
                    return ApiResults.BadRequest("magnitude", $"magnitude of a latency fault is the added seconds per request: 0 to {MaximumLatencySeconds}");
                }
            }
            else
            {
                magnitude = body.Magnitude ?? DefaultErrorFraction;
                if (!(magnitude >= 0 && magnitude <= 1))
                {
                    return ApiResults.BadRequest("magnitude", "magnitude of an errors fault is the fraction of requests answered 500: 0 to 1");
                }
            }
            var fault = faults.TurnOn(id, body.Kind, TimeSpan.FromSeconds(duration), magnitude);
            return Results.Json(fault, statusCode: StatusCodes.Status201Created);
        });
        app.MapGet(KnownPaths.InstanceFaults, (HttpRequest request, InstanceFaultSwitch faults) =>
            Authorize(request, token) ?? Results.Json(faults.Active()));
        app.MapDelete(KnownPaths.InstanceFaults + "/{id}", (string id, HttpRequest request, InstanceFaultSwitch faults) =>
            Authorize(request, token) ?? (faults.TurnOff(id) ? Results.NoContent() : ApiResults.NotFound($"no active fault '{id}'")));
        return app;
    }

    private static IResult? Authorize(HttpRequest request, byte[]? token)
    {
        if (token is null)
        {
            return Results.Json(new ApiError($"fault control is off: {KnownSettings.ControlToken} is not set"), statusCode: StatusCodes.Status403Forbidden);
        }
        var presented = ApiResults.BearerToken(request);
        return presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), token)
            ? null
            : ApiResults.Unauthorized("a bearer token equal to the control token is required");
    }

    private static void Mark(InstanceFault fault) =>
        Activity.Current?.AddEvent(new ActivityEvent("fault", tags: new ActivityTagsCollection
        {
            ["fault.id"] = fault.Id,
            ["fault.kind"] = fault.Kind,
        }));

    private static bool IsExempt(PathString path) =>
        path.StartsWithSegments(KnownPaths.Health) || path.StartsWithSegments(KnownPaths.Metrics) || path.StartsWithSegments(KnownPaths.InstanceFaults);
}

using System.Text.Json;
using Observability.SampleWorkload.Shared;

namespace Observability.SampleWorkload.Faults;

/// <summary>POST /faults starts a fault, GET /faults lists active and past ones.</summary>
internal static class FaultEndpoints
{
    public static IServiceCollection AddFaults(this IServiceCollection services, FaultContext context)
    {
        services.AddHttpClient(nameof(FaultService), client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton(provider => new FaultService(
            context,
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(FaultService)),
            provider.GetRequiredService<ILogger<FaultService>>(),
            TimeProvider.System));
        return services;
    }

    public static WebApplication MapFaults(this WebApplication app)
    {
        app.MapPost(KnownPaths.Faults, async (HttpRequest request, FaultService faults, TimeProvider time, CancellationToken cancellationToken) =>
        {
            JsonElement body;
            try
            {
                body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: cancellationToken);
            }
            catch (JsonException)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: "the body must be JSON such as {\"kind\":\"latency\",\"durationSeconds\":60}");
            }
            var (parsed, error) = FaultRequest.Parse(body, time.GetUtcNow());
            if (parsed is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: error);
            }
            var outcome = await faults.StartAsync(parsed, cancellationToken);
            return outcome.Fault is { } fault
                ? Results.Created($"{KnownPaths.Faults}/{fault.Id}", fault)
                : Results.Problem(statusCode: outcome.StatusCode, detail: outcome.Error);
        });
        app.MapGet(KnownPaths.Faults, (FaultService faults) => Results.Ok(faults.List()));
        return app;
    }
}

using System.Text.Json;

namespace Observability.SampleWorkload.Services.Hosting;

/// <summary>The JSON error body every service answers with: what went wrong and, for bad input, which field.</summary>
internal sealed record ApiError(string Error, string? Field = null);

/// <summary>Error responses and request-body reading shared by every service's endpoints.</summary>
internal static class ApiResults
{
    public static IResult BadRequest(string field, string message) =>
        Results.Json(new ApiError(message, field), statusCode: StatusCodes.Status400BadRequest);

    public static IResult Unauthorized(string message) =>
        Results.Json(new ApiError(message, "Authorization"), statusCode: StatusCodes.Status401Unauthorized);

    public static IResult NotFound(string message) =>
        Results.Json(new ApiError(message), statusCode: StatusCodes.Status404NotFound);

    public static IResult Unavailable(string message) =>
        Results.Json(new ApiError(message), statusCode: StatusCodes.Status503ServiceUnavailable);

    /// <summary>
    /// Reads a JSON body into <typeparamref name="T"/>. Binding by hand rather than by minimal API parameters, so a
    /// malformed body gets an answer naming the problem instead of an empty 400.
    /// </summary>
    public static async Task<(T? Body, IResult? Error)> ReadBodyAsync<T>(HttpRequest request) where T : class
    {
        if (request.ContentLength == 0)
        {
            return (null, BadRequest("body", "a JSON body is required"));
        }
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, JsonSerializerOptions.Web, request.HttpContext.RequestAborted);
            return body is null ? (null, BadRequest("body", "a JSON object is required")) : (body, null);
        }
        catch (JsonException e)
        {
            var field = e.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "body";
            return (null, BadRequest(field, $"the body is not valid JSON for this request: {e.Message.Split(" Path:")[0]}"));
        }
    }

    /// <summary>The bearer token of the request, or null when there is none.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && header.Length > prefix.Length
            ? header[prefix.Length..].Trim()
            : null;
    }
}

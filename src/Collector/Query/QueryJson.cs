using Observability.Core.Metrics;
using System.Text.Json;
using System.Text.Encodings.Web;
using System.Text.Json.Serialization;

namespace Observability.Collector.Query;

/// <summary>How the query API writes JSON: camelCase unless a property says otherwise, nulls written, non-finite numbers as strings.</summary>
internal static class QueryJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // Served as application/json, never embedded in HTML: quotes and apostrophes in messages stay readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IResult Ok<T>(T value) => Results.Json(value, Options);

    /// <summary>The error shape of the non-Jaeger endpoints: <c>{"error":"..."}</c>.</summary>
    public static IResult Error(int statusCode, string message) => Results.Json(new ErrorResponse(message), Options, statusCode: statusCode);

    /// <summary>Runs a handler and turns a <see cref="QueryParameterException"/> or <see cref="MetricQueryException"/> into a 400.</summary>
    public static async Task<IResult> HandleAsync(Func<Task<IResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (QueryParameterException error)
        {
            return Error(StatusCodes.Status400BadRequest, error.Message);
        }
        catch (MetricQueryException error)
        {
            return Error(StatusCodes.Status400BadRequest, error.Message);
        }
    }

    /// <summary>The JSON body, <paramref name="empty"/> when there is none, or null when it is not JSON of that shape.</summary>
    public static async Task<T?> ReadBodyAsync<T>(HttpRequest request, CancellationToken cancellationToken, T? empty = null) where T : class
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return empty;
        }
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<T>(text, Options);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private sealed record ErrorResponse(string Error);
}

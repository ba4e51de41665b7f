using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Observability.SampleWorkload.Services.Storefront;

/// <summary>
/// Writes catalog JSON. With phase 1's quick wins on, adds Cache-Control and an ETag, and answers a matching
/// If-None-Match with 304, so browsers and the gateway can skip the body.
/// </summary>
internal static class CatalogResponses
{
    public static IResult Json(HttpContext context, byte[] body, TimeSpan maxAge, bool quickWins)
    {
        if (quickWins)
        {
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 12)) + "\"";
            var headers = context.Response.Headers;
            headers.CacheControl = $"public, max-age={(int)maxAge.TotalSeconds}";
            headers.ETag = etag;
            if (context.Request.Headers.IfNoneMatch.Contains(etag))
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }
        }
        return Results.Bytes(body, "application/json");
    }

    /// <summary>Marks personal answers (cart, orders) as never to be stored by a shared cache.</summary>
    public static void Private(HttpContext context) =>
        context.Response.Headers[HeaderNames.CacheControl] = "private, no-store";
}

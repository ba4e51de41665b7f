using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Caching.Memory;
using Observability.SampleWorkload.Services.Sessions;

namespace Observability.SampleWorkload.Services.Auth;

/// <summary>
/// Phase 4: sign-in and token checks by auth-service over HTTP (resilience handler configured in DI). Valid tokens are
/// remembered for a few seconds so a browsing user costs auth-service one call per burst, not one per request.
/// </summary>
internal sealed class RemoteAuthenticator(HttpClient http, IMemoryCache cache) : IAuthenticator
{
    private static readonly TimeSpan ValidTokenCacheDuration = TimeSpan.FromSeconds(5);

    public async Task<LoginResult?> LoginAsync(string user, string password, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(AuthPaths.Login, new LoginRequest(user, password), cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<LoginResult>(cancellationToken);
    }

    public async Task<string?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(CacheKey(token), out string? cached))
        {
            return cached;
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, AuthPaths.Session);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        var session = await response.Content.ReadFromJsonAsync<SessionResponse>(cancellationToken);
        if (session is not null)
        {
            cache.Set(CacheKey(token), session.User, ValidTokenCacheDuration);
        }
        return session?.User;
    }

    public async Task LogoutAsync(string token, CancellationToken cancellationToken)
    {
        cache.Remove(CacheKey(token));
        using var request = new HttpRequestMessage(HttpMethod.Delete, AuthPaths.Session);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    private static string CacheKey(string token) => "auth-token:" + token;
}

namespace Observability.SampleWorkload.Services.Auth;

/// <summary>auth-service's paths: POST login, GET (validate) and DELETE (logout) the bearer's session.</summary>
internal static class AuthPaths
{
    public const string Login = "/auth/login";
    public const string Session = "/auth/session";
}

/// <summary>Body of a sign-in, on the storefront and on auth-service.</summary>
internal sealed record LoginRequest(string? User, string? Password);

/// <summary>auth-service's answer to a session check.</summary>
internal sealed record SessionResponse(string User);

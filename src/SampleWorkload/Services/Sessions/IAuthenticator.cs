namespace Observability.SampleWorkload.Services.Sessions;

/// <summary>A signed-in session as the API returns it.</summary>
internal sealed record LoginResult(string Token, string User);

/// <summary>Sign-in and token validation: in process until phase 4, then a call to auth-service.</summary>
internal interface IAuthenticator
{
    /// <summary>A new session, or null when the user is unknown or the password is wrong.</summary>
    Task<LoginResult?> LoginAsync(string user, string password, CancellationToken cancellationToken);

    /// <summary>The user name a token belongs to, or null.</summary>
    Task<string?> ValidateAsync(string token, CancellationToken cancellationToken);

    Task LogoutAsync(string token, CancellationToken cancellationToken);
}

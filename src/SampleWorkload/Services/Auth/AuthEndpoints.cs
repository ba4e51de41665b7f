using Observability.SampleWorkload.Services.Hosting;
using Observability.SampleWorkload.Services.Sessions;

namespace Observability.SampleWorkload.Services.Auth;

/// <summary>auth-service's API, used by storefront-api from phase 4.</summary>
internal static class AuthEndpoints
{
    public static WebApplication MapAuthService(this WebApplication app)
    {
        app.MapPost(AuthPaths.Login, async (HttpRequest request, IAuthenticator authenticator, CancellationToken cancellationToken) =>
        {
            var (body, error) = await ApiResults.ReadBodyAsync<LoginRequest>(request);
            if (error is not null)
            {
                return error;
            }
            if (LoginValidation.Check(body!) is { } invalid)
            {
                return invalid;
            }
            var session = await authenticator.LoginAsync(body!.User!, body.Password!, cancellationToken);
            return session is null ? ApiResults.Unauthorized(LoginValidation.WrongCredentials) : Results.Ok(session);
        });
        app.MapGet(AuthPaths.Session, async (HttpRequest request, IAuthenticator authenticator, CancellationToken cancellationToken) =>
        {
            var token = ApiResults.BearerToken(request);
            var user = token is null ? null : await authenticator.ValidateAsync(token, cancellationToken);
            return user is null ? ApiResults.Unauthorized("missing, unknown or expired bearer token") : Results.Ok(new SessionResponse(user));
        });
        app.MapDelete(AuthPaths.Session, async (HttpRequest request, IAuthenticator authenticator, CancellationToken cancellationToken) =>
        {
            var token = ApiResults.BearerToken(request);
            if (token is null)
            {
                return ApiResults.Unauthorized("a bearer token is required");
            }
            await authenticator.LogoutAsync(token, cancellationToken);
            return Results.NoContent();
        });
        return app;
    }
}

/// <summary>The checks on a sign-in body, shared by storefront-api and auth-service.</summary>
internal static class LoginValidation
{
    public const string WrongCredentials = "unknown user or wrong password";

    public static IResult? Check(LoginRequest body)
    {
        if (body.User is not { Length: > 0 and <= 100 })
        {
            return ApiResults.BadRequest("user", "user is required: a user name such as user-42");
        }
        if (body.Password is not { Length: > 0 and <= 200 })
        {
            return ApiResults.BadRequest("password", "password is required");
        }
        return null;
    }
}

using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Observability.Collector.Hosting;
using Observability.Collector.Query;
using Observability.Core.Security;

namespace Observability.Collector.Security;

/// <summary>One API token from "Api:Tokens:&lt;name&gt;": the secret a client sends as a bearer token, and its role.</summary>
public sealed class ApiTokenOptions
{
    public string Token { get; set; } = "";

    public string Role { get; set; } = "";
}

/// <summary>
/// Bearer tokens for the API's write endpoints, configured by name with a role each. Tokens are compared by their
/// SHA-256 in constant time; with no token configured every write is refused (there is no default token).
/// </summary>
public sealed class ApiTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiTokenRegistry tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.Fail("the Authorization header is not 'Bearer <token>'"));
        }
        if (tokens.Find(header["Bearer ".Length..].Trim()) is not { } token)
        {
            return Task.FromResult(AuthenticateResult.Fail("the API token is not one of Api:Tokens"));
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, token.Name), new Claim(ClaimTypes.Role, token.Role)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (!Request.Path.StartsWithSegments("/api") && Context.RequestServices.GetService<IAuthenticationSchemeProvider>() is { } provider
            && (await provider.GetAllSchemesAsync()).Any(s => s.Name == CookieAuthenticationDefaults.AuthenticationScheme))
        {
            // A page of a host that signs people in (the dashboard): its cookie scheme, challenged next, sends them to sign in.
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        var message = tokens.IsEmpty
            ? "writes need an API token and none is configured: set Api:Tokens:<name>:Token and :Role"
            : failure ?? "this endpoint needs an API token: send 'Authorization: Bearer <token>'";
        Response.Headers.WWWAuthenticate = "Bearer";
        await QueryJson.Error(StatusCodes.Status401Unauthorized, message).ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (Context.User.Identity?.AuthenticationType != SchemeName && !Request.Path.StartsWithSegments("/api"))
        {
            // A page refused to a person signed in by the host's own scheme (the dashboard's cookie): that scheme,
            // asked next, answers in a page's words rather than the API's JSON.
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        var role = Context.User.FindFirstValue(ClaimTypes.Role);
        var policy = Context.GetEndpoint()?.Metadata.GetMetadata<AuthorizeAttribute>()?.Policy;
        var allowed = policy is not null && KnownPolicies.Roles.TryGetValue(policy, out var roles) ? string.Join(", ", roles) : "another role";
        // A dashboard user signed in by cookie is refused here too; say which kind of principal it is.
        var who = Context.User.Identity?.AuthenticationType == SchemeName ? "token" : "user";
        await QueryJson.Error(StatusCodes.Status403Forbidden,
            $"{who} '{Context.User.Identity?.Name}' has the role {role}; {Request.Method} {Request.Path} needs one of: {allowed}").ExecuteAsync(Context);
    }
}

/// <summary>The configured tokens, validated at start-up, found by their hash.</summary>
public sealed class ApiTokenRegistry
{
    /// <summary>Shorter secrets are guessable; generate one with e.g. <c>openssl rand -hex 24</c>.</summary>
    public const int MinimumTokenLength = 24;

    private readonly List<(string Name, string Role, byte[] Hash)> _tokens = [];

    public ApiTokenRegistry(IReadOnlyDictionary<string, ApiTokenOptions> tokens)
    {
        foreach (var (name, token) in tokens)
        {
            if (token.Token.Length < MinimumTokenLength)
            {
                throw new ConfigurationException($"Api:Tokens:{name}:Token must be at least {MinimumTokenLength} characters");
            }
            var role = KnownRoles.Normalize(token.Role)
                ?? throw new ConfigurationException($"Api:Tokens:{name}:Role '{token.Role}' is not one of: {string.Join(", ", KnownRoles.All)}");
            _tokens.Add((name, role, SHA256.HashData(Encoding.UTF8.GetBytes(token.Token))));
        }
    }

    public bool IsEmpty => _tokens.Count == 0;

    public (string Name, string Role)? Find(string presented)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        (string, string)? found = null;
        foreach (var (name, role, expected) in _tokens)
        {
            // Every token is compared, in constant time, so timing tells nothing about which one nearly matched.
            if (CryptographicOperations.FixedTimeEquals(hash, expected))
            {
                found = (name, role);
            }
        }
        return found;
    }
}

public static class ApiTokenHostingExtensions
{
    /// <summary>The ApiToken scheme and the role policies of <see cref="KnownPolicies"/> (which also accept the cookie scheme when a host registers it).</summary>
    public static WebApplicationBuilder AddApiTokens(this WebApplicationBuilder builder)
    {
        var tokens = builder.Configuration.GetSection("Api:Tokens").Get<Dictionary<string, ApiTokenOptions>>() ?? [];
        builder.Services.AddSingleton(new ApiTokenRegistry(tokens));
        builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokenHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddOptions<AuthorizationOptions>().Configure<IOptions<AuthenticationOptions>>((authorization, authentication) =>
        {
            // A host that signs people in with a cookie (the Dashboard) lets them do what a token of the same role may.
            // The token scheme stays first, so an API request without credentials still gets its JSON 401.
            string[] schemes = authentication.Value.Schemes.Any(s => s.Name == CookieAuthenticationDefaults.AuthenticationScheme)
                ? [ApiTokenHandler.SchemeName, CookieAuthenticationDefaults.AuthenticationScheme]
                : [ApiTokenHandler.SchemeName];
            foreach (var (policy, roles) in KnownPolicies.Roles)
            {
                authorization.AddPolicy(policy, rule => rule.AddAuthenticationSchemes(schemes).RequireRole(roles));
            }
        });
        return builder;
    }
}

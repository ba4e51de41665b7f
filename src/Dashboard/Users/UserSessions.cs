using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Observability.Dashboard.Security;

namespace Observability.Dashboard.Users;

/// <summary>
/// Keeps sign-ins in step with the user store, so Settings' changes reach people already signed in: a disabled or removed
/// user is signed out and a changed role applies, at their next request (the cookie is checked each time) and within
/// <see cref="UserSessions.CircuitRevalidation"/> in a page they have open.
/// </summary>
public sealed class UserSessionCheck(UserAccounts accounts)
{
    /// <summary>Null when the user is gone or disabled; a new principal when their role changed; <paramref name="principal"/> when nothing did.</summary>
    public async Task<ClaimsPrincipal?> CurrentAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (principal.Identity is not { IsAuthenticated: true, Name: { } name })
        {
            return principal;
        }
        var user = await accounts.Store.FindAsync(name, cancellationToken);
        if (user is null || user.IsDisabled)
        {
            return null;
        }
        return principal.IsInRole(user.Role) ? principal : UserAccounts.PrincipalFor(user, principal.Identity.AuthenticationType);
    }
}

/// <summary>The wiring of <see cref="UserSessionCheck"/>: into the sign-in cookie's validation and into open pages (circuits).</summary>
public static class UserSessions
{
    public static readonly TimeSpan CircuitRevalidation = TimeSpan.FromSeconds(30);

    /// <summary>Registers the checks; call before AddInteractiveServerComponents, which only adds its own state provider when none is there.</summary>
    public static IServiceCollection AddUserSessionChecks(this IServiceCollection services)
    {
        services.AddSingleton<UserSessionCheck>();
        services.AddScoped<AuthenticationStateProvider, RevalidatingUserStateProvider>();
        services.AddOptions<CookieAuthenticationOptions>(DashboardAuthentication.Scheme).PostConfigure<UserSessionCheck>((cookie, check) =>
        {
            var previous = cookie.Events.OnValidatePrincipal;
            cookie.Events.OnValidatePrincipal = async context =>
            {
                await previous(context);
                if (context.Principal is not { } principal)
                {
                    return;
                }
                var current = await check.CurrentAsync(principal, context.HttpContext.RequestAborted);
                if (current is null)
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(DashboardAuthentication.Scheme);
                }
                else if (!ReferenceEquals(current, principal))
                {
                    context.ReplacePrincipal(current);
                    context.ShouldRenew = true;
                }
            };
        });
        return services;
    }

    /// <summary>An open page's user is checked every 30 s; once disabled or re-roled, the page treats them as signed out and sends them to sign in.</summary>
    private sealed class RevalidatingUserStateProvider(UserSessionCheck check, ILoggerFactory loggers) : RevalidatingServerAuthenticationStateProvider(loggers)
    {
        protected override TimeSpan RevalidationInterval => CircuitRevalidation;

        protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
            ReferenceEquals(await check.CurrentAsync(authenticationState.User, cancellationToken), authenticationState.User);
    }
}

using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Observability.Core.Security;

namespace Observability.Dashboard.Security;

/// <summary>Cookie sign-in for people, beside the Collector's API tokens for programs.</summary>
public static class DashboardAuthentication
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>Admins only, by cookie: the Hangfire dashboard.</summary>
    public const string HangfirePolicy = "dashboard-admin";

    public const string SignInPath = "/signin";

    public static WebApplicationBuilder AddDashboardAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(Scheme).AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = "observability.auth";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = SignInPath;
            cookie.Events.OnRedirectToLogin = context => Answer(context.HttpContext, StatusCodes.Status401Unauthorized, () => context.Response.Redirect(context.RedirectUri));
            cookie.Events.OnRedirectToAccessDenied = context => Answer(context.HttpContext, StatusCodes.Status403Forbidden, null);
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(HangfirePolicy, policy => policy.AddAuthenticationSchemes(Scheme).RequireRole(KnownRoles.Admin));
        builder.Services.AddCascadingAuthenticationState();
        return builder;
    }

    /// <summary>
    /// Pages get the sign-in redirect; the API keeps the token scheme's JSON answer (written first, when the policy names
    /// both schemes); anything else a plain status and sentence.
    /// </summary>
    private static Task Answer(HttpContext context, int status, Action? redirect)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        if (redirect is not null)
        {
            redirect();
            return Task.CompletedTask;
        }
        context.Response.StatusCode = status;
        var role = context.User.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value ?? "none";
        return context.Response.WriteAsync($"Forbidden: {context.Request.Path} needs the {RolesNeeded(context)} role; user '{context.User.Identity?.Name}' has the role {role}.");
    }

    /// <summary>The roles the refused endpoint's policy allows, as words ("OnCall, SRE or Admin").</summary>
    private static string RolesNeeded(HttpContext context)
    {
        var policies = context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>() ?? [];
        foreach (var policy in policies)
        {
            if (policy == HangfirePolicy)
            {
                return KnownRoles.Admin;
            }
            if (KnownPolicies.Roles.TryGetValue(policy, out var roles))
            {
                return roles.Count == 1 ? roles[0] : string.Join(", ", roles.Take(roles.Count - 1)) + " or " + roles[^1];
            }
        }
        return "another";
    }
}

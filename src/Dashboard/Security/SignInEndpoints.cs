using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Observability.Dashboard.Users;

namespace Observability.Dashboard.Security;

/// <summary>POST /account/signin and /account/signout: the targets of the sign-in page's and the menu's forms (antiforgery checked).</summary>
internal static class SignInEndpoints
{
    /// <summary>The same sentence for an unknown user, a wrong password and a disabled user: it tells an attacker nothing.</summary>
    public const string FailedMessage = "The user name or password is not right.";

    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/account");
        account.MapPost("/signin", SignInAsync);
        account.MapPost("/signout", (Func<HttpContext, Task<IResult>>)SignOutAsync).RequireAuthorization();
        return endpoints;
    }

    private static async Task<IResult> SignInAsync(
        [FromForm(Name = "name")] string? name, [FromForm(Name = "password")] string? password, [FromForm(Name = "returnUrl")] string? returnUrl,
        HttpContext context, UserAccounts accounts, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var target = IsLocal(returnUrl) ? returnUrl! : "/";
        var principal = await accounts.SignInAsync(name ?? "", password ?? "", DashboardAuthentication.Scheme, cancellationToken);
        if (principal is null)
        {
            // Who tried is worth a log line; the password never is.
            loggers.CreateLogger("Observability.Dashboard.SignIn").LogWarning("Failed sign-in for {Name} from {Address}", name, context.Connection.RemoteIpAddress);
            return Results.Redirect($"{DashboardAuthentication.SignInPath}?failed=1&returnUrl={Uri.EscapeDataString(target)}");
        }
        await context.SignInAsync(DashboardAuthentication.Scheme, principal, new AuthenticationProperties { IsPersistent = false });
        return Results.Redirect(target);
    }

    private static async Task<IResult> SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(DashboardAuthentication.Scheme);
        return Results.Redirect(DashboardAuthentication.SignInPath);
    }

    /// <summary>Only paths of this site: an open redirect would let a phishing link borrow the sign-in page.</summary>
    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}

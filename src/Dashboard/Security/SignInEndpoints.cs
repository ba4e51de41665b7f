using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Observability.Dashboard.Users;

namespace Observability.Dashboard.Security;

/// <summary>POST /account/signin and /account/signout: the targets of the sign-in page's and the menu's forms (antiforgery checked).</summary>
internal static class SignInEndpoints
{
    /// <summary>The same sentence for an unknown user, a wrong password and a disabled user: it tells an attacker nothing.</summary>
    public const string FailedMessage = "The user name or password is not right.";

    /// <summary>Failed sign-ins allowed per user name and client address in <see cref="FailureWindow"/>; the next attempt gets 429.</summary>
    public const int FailuresPerWindow = 5;

    public static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Failed attempts per (user name, client address). Only failures take a permit, so a user who types the password right
    /// is never slowed, and guessing one user's password from one address is held to 5 a minute without locking that
    /// user out for everyone else. System.Threading.RateLimiting's limiter rather than the rate-limiting middleware: the
    /// middleware takes a permit before the endpoint runs, for successes too, and partitions before the form is read.
    /// </summary>
    private static PartitionedRateLimiter<string> CreateFailureLimiter() => PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = FailuresPerWindow,
            Window = FailureWindow,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder endpoints)
    {
        // One per host: two Dashboards in one process (tests) do not share counts.
        var failures = CreateFailureLimiter();
        endpoints.ServiceProvider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(failures.Dispose);
        var account = endpoints.MapGroup("/account");
        account.MapPost("/signin", (
            [FromForm(Name = "name")] string? name, [FromForm(Name = "password")] string? password, [FromForm(Name = "returnUrl")] string? returnUrl,
            HttpContext context, UserAccounts accounts, ILoggerFactory loggers, CancellationToken cancellationToken) =>
            SignInAsync(name, password, returnUrl, failures, context, accounts, loggers, cancellationToken));
        account.MapPost("/signout", (Func<HttpContext, Task<IResult>>)SignOutAsync).RequireAuthorization();
        return endpoints;
    }

    private static async Task<IResult> SignInAsync(
        string? name, string? password, string? returnUrl, PartitionedRateLimiter<string> failures, HttpContext context, UserAccounts accounts, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var target = IsLocal(returnUrl) ? returnUrl! : "/";
        var key = $"{(name ?? "").Trim().ToLowerInvariant()}|{context.Connection.RemoteIpAddress}";
        // Zero permits asks whether any are left without taking one: refused before the password is even checked.
        using (var left = failures.AttemptAcquire(key, 0))
        {
            if (!left.IsAcquired)
            {
                return TooManyFailures(context, left);
            }
        }
        var principal = await accounts.SignInAsync(name ?? "", password ?? "", DashboardAuthentication.Scheme, cancellationToken);
        if (principal is null)
        {
            failures.AttemptAcquire(key, 1).Dispose();
            // Who tried is worth a log line; the password never is.
            loggers.CreateLogger("Observability.Dashboard.SignIn").LogWarning("Failed sign-in for {Name} from {Address}", name, context.Connection.RemoteIpAddress);
            return Results.Redirect($"{DashboardAuthentication.SignInPath}?failed=1&returnUrl={Uri.EscapeDataString(target)}");
        }
        await context.SignInAsync(DashboardAuthentication.Scheme, principal, new AuthenticationProperties { IsPersistent = false });
        return Results.Redirect(target);
    }

    private static IResult TooManyFailures(HttpContext context, RateLimitLease lease)
    {
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : (int)FailureWindow.TotalSeconds;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Results.Text(
            $"Too many failed sign-ins for this user name from your address ({FailuresPerWindow} in {FailureWindow.TotalMinutes:0} minute). Try again in {seconds} s.",
            "text/plain; charset=utf-8", statusCode: StatusCodes.Status429TooManyRequests);
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

using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;

namespace Observability.Dashboard.Administration;

/// <summary>
/// Who clicks, checked again on the server for every action: the page hides what a role may not do, but a circuit's
/// event handler runs whatever the browser sends, so each action asks the policy itself before it writes.
/// </summary>
public sealed class ActingUser(IAuthorizationService authorization)
{
    /// <summary>The signed-in user's name when they satisfy <paramref name="policy"/>; throws <see cref="UnauthorizedAccessException"/> otherwise.</summary>
    public async Task<string> RequireAsync(Task<AuthenticationState>? state, string policy)
    {
        var user = state is null ? new ClaimsPrincipal() : (await state).User;
        if (user.Identity is not { IsAuthenticated: true, Name: { } name } || !(await authorization.AuthorizeAsync(user, policy)).Succeeded)
        {
            var role = user.FindFirst(ClaimTypes.Role)?.Value ?? "none";
            var roles = Core.Security.KnownPolicies.Roles.TryGetValue(policy, out var allowed) ? string.Join(" or ", allowed) : policy;
            throw new UnauthorizedAccessException($"This needs the {roles} role; '{user.Identity?.Name ?? "anonymous"}' has the role {role}.");
        }
        return name;
    }
}

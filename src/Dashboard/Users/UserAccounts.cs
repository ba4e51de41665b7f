using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Observability.Core.Security;
using Observability.Core.Storage;
using Observability.Core.Users;

namespace Observability.Dashboard.Users;

/// <summary>Creates users and checks their passwords with ASP.NET Core Identity's hasher (PBKDF2, salted, versioned).</summary>
public sealed class UserAccounts(ITelemetryStore store, TimeProvider time)
{
    /// <summary>Shorter passwords are refused when a user is created.</summary>
    public const int MinimumPasswordLength = 12;

    private static readonly PasswordHasher<string> Hasher = new();

    /// <summary>Hashed once, so a sign-in for a name that does not exist costs as much as one with a wrong password.</summary>
    private static readonly Lazy<string> DecoyHash = new(() => Hasher.HashPassword("", Convert.ToHexString(RandomNumberGenerator.GetBytes(16))));

    public IUserStore Store => store.Users;

    /// <summary>Adds a user; throws <see cref="ArgumentException"/> naming the field when the name, password or role is not acceptable.</summary>
    public async Task<UserRecord> CreateAsync(string name, string password, string role, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 64 || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException("name must be 1 to 64 characters without spaces", nameof(name));
        }
        RequireLength(password);
        var knownRole = KnownRoles.Normalize(role) ?? throw new ArgumentException($"role '{role}' is not one of: {string.Join(", ", KnownRoles.All)}", nameof(role));
        var user = new UserRecord(name, Hasher.HashPassword(name, password), knownRole, time.GetUtcNow(), null);
        if (!await store.Users.AddAsync(user, cancellationToken))
        {
            throw new ArgumentException($"a user named '{name}' already exists", nameof(name));
        }
        return user;
    }

    /// <summary>Gives a user another role; refuses (naming the field) an unknown user or role, and a change that leaves no enabled admin.</summary>
    public async Task<UserRecord> ChangeRoleAsync(string name, string role, CancellationToken cancellationToken)
    {
        var user = await RequireAsync(name, cancellationToken);
        var knownRole = KnownRoles.Normalize(role) ?? throw new ArgumentException($"role '{role}' is not one of: {string.Join(", ", KnownRoles.All)}", nameof(role));
        if (knownRole != KnownRoles.Admin)
        {
            await RequireAnotherAdminAsync(user, "change the role of", cancellationToken);
        }
        await store.Users.SetRoleAsync(user.Name, knownRole, cancellationToken);
        return user with { Role = knownRole };
    }

    /// <summary>Disables (the user can no longer sign in) or enables a user; never the last enabled admin.</summary>
    public async Task<UserRecord> SetDisabledAsync(string name, bool disabled, CancellationToken cancellationToken)
    {
        var user = await RequireAsync(name, cancellationToken);
        DateTimeOffset? at = disabled ? user.DisabledAt ?? time.GetUtcNow() : null;
        if (disabled)
        {
            await RequireAnotherAdminAsync(user, "disable", cancellationToken);
        }
        await store.Users.SetDisabledAsync(user.Name, at, cancellationToken);
        return user with { DisabledAt = at };
    }

    /// <summary>Replaces a user's password (same length rule as at creation), hashed.</summary>
    public async Task ResetPasswordAsync(string name, string password, CancellationToken cancellationToken)
    {
        var user = await RequireAsync(name, cancellationToken);
        RequireLength(password);
        await store.Users.SetPasswordHashAsync(user.Name, Hasher.HashPassword(user.Name, password), cancellationToken);
    }

    private async Task<UserRecord> RequireAsync(string name, CancellationToken cancellationToken) =>
        await store.Users.FindAsync(name, cancellationToken) ?? throw new ArgumentException($"there is no user named '{name}'", nameof(name));

    /// <summary>
    /// Someone must still be able to manage users afterwards: a change that takes the last enabled admin away is refused.
    /// Two admins demoting each other at the same instant can still both pass; the store has no lock for it.
    /// </summary>
    private async Task RequireAnotherAdminAsync(UserRecord user, string action, CancellationToken cancellationToken)
    {
        if (user.Role != KnownRoles.Admin || user.IsDisabled)
        {
            return;
        }
        var users = await store.Users.GetAllAsync(cancellationToken);
        if (!users.Any(u => u.Role == KnownRoles.Admin && !u.IsDisabled && !string.Equals(u.Name, user.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"cannot {action} {user.Name}: they are the only enabled admin, and without one nobody can manage users; make another user an admin first");
        }
    }

    private static void RequireLength(string password)
    {
        if (password.Length < MinimumPasswordLength)
        {
            throw new ArgumentException($"password must be at least {MinimumPasswordLength} characters", nameof(password));
        }
    }

    /// <summary>The signed-in identity for a right name and password of an enabled user; null otherwise, for whatever reason.</summary>
    public async Task<ClaimsPrincipal?> SignInAsync(string name, string password, string scheme, CancellationToken cancellationToken)
    {
        var user = string.IsNullOrWhiteSpace(name) ? null : await store.Users.FindAsync(name, cancellationToken);
        if (user is null)
        {
            Hasher.VerifyHashedPassword("", DecoyHash.Value, password);
            return null;
        }
        var result = Hasher.VerifyHashedPassword(user.Name, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed || user.IsDisabled)
        {
            return null;
        }
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await store.Users.SetPasswordHashAsync(user.Name, Hasher.HashPassword(user.Name, password), cancellationToken);
        }
        return PrincipalFor(user, scheme);
    }

    /// <summary>The signed-in identity of a user: their name and their one role.</summary>
    public static ClaimsPrincipal PrincipalFor(UserRecord user, string? scheme) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role)], scheme, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>A password people can type: 20 characters from 120 random bits.</summary>
    public static string GeneratePassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');
}

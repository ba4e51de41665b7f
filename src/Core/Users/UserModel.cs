namespace Observability.Core.Users;

/// <summary>
/// A dashboard user: a name, the hash of their password (ASP.NET Core Identity's format, never the password),
/// one role of <see cref="Security.KnownRoles"/>, and when they were created and, if so, disabled.
/// </summary>
public sealed record UserRecord(string Name, string PasswordHash, string Role, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt)
{
    public bool IsDisabled => DisabledAt is not null;
}

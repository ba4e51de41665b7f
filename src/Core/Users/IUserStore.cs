namespace Observability.Core.Users;

/// <summary>The dashboard's users, kept in the same database as the telemetry.</summary>
public interface IUserStore
{
    /// <summary>Adds a user; false when the name is taken (names compare without regard to case).</summary>
    Task<bool> AddAsync(UserRecord user, CancellationToken cancellationToken);

    /// <summary>The user of that name (any case), or null.</summary>
    Task<UserRecord?> FindAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every user, by name.</summary>
    Task<IReadOnlyList<UserRecord>> GetAllAsync(CancellationToken cancellationToken);

    /// <summary>Replaces a password hash (after a rehash, or a change); false when there is no such user.</summary>
    Task<bool> SetPasswordHashAsync(string name, string passwordHash, CancellationToken cancellationToken);

    /// <summary>Gives a user another role; false when there is no such user.</summary>
    Task<bool> SetRoleAsync(string name, string role, CancellationToken cancellationToken);

    /// <summary>Disables (with a time) or re-enables (null) a user; false when there is no such user.</summary>
    Task<bool> SetDisabledAsync(string name, DateTimeOffset? disabledAt, CancellationToken cancellationToken);
}

using System.Security.Cryptography;

namespace Observability.SampleWorkload.Services.Sessions;

/// <summary>Where signed-in sessions live: token to user name, with a sliding expiry.</summary>
internal interface ISessionStore
{
    Task<string> CreateAsync(string user, CancellationToken cancellationToken);

    /// <summary>The user of a live session, extending it; null when the token is unknown or expired.</summary>
    Task<string?> FindAsync(string token, CancellationToken cancellationToken);

    Task RemoveAsync(string token, CancellationToken cancellationToken);

    /// <summary>Sessions alive at the last count, for the app.sessions.active gauge.</summary>
    long ActiveCount { get; }

    /// <summary>Distinct users who signed in over the last 30 days at the last count, for the app.users.monthly_active gauge.</summary>
    long MonthlyActiveUsers { get; }
}

/// <summary>Shared session rules.</summary>
internal static class SessionTokens
{
    /// <summary>A session lives this long after its last use.</summary>
    public static readonly TimeSpan SlidingExpiry = TimeSpan.FromMinutes(30);

    /// <summary>How far back a user counts as monthly active.</summary>
    public const int MonthlyActiveDays = 30;

    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

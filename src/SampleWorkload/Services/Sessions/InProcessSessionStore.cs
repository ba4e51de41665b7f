using System.Collections.Concurrent;

namespace Observability.SampleWorkload.Services.Sessions;

/// <summary>Phase 1's sessions: a dictionary in the one storefront process, lost when it restarts.</summary>
internal sealed class InProcessSessionStore(TimeProvider clock) : ISessionStore
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastSignIn = new(StringComparer.Ordinal);

    /// <summary>Users who signed in to this process over the last 30 days (it forgets them when it restarts).</summary>
    public long MonthlyActiveUsers
    {
        get
        {
            var since = clock.GetUtcNow().AddDays(-SessionTokens.MonthlyActiveDays);
            return _lastSignIn.Values.LongCount(at => at > since);
        }
    }

    public long ActiveCount
    {
        get
        {
            var now = clock.GetUtcNow();
            var active = 0L;
            foreach (var (token, session) in _sessions)
            {
                if (session.ExpiresAt > now)
                {
                    active++;
                }
                else
                {
                    _sessions.TryRemove(token, out _);
                }
            }
            return active;
        }
    }

    public Task<string> CreateAsync(string user, CancellationToken cancellationToken)
    {
        var token = SessionTokens.NewToken();
        _sessions[token] = new Session(user, clock.GetUtcNow() + SessionTokens.SlidingExpiry);
        _lastSignIn[user] = clock.GetUtcNow();
        return Task.FromResult(token);
    }

    public Task<string?> FindAsync(string token, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (!_sessions.TryGetValue(token, out var session) || session.ExpiresAt <= now)
        {
            return Task.FromResult<string?>(null);
        }
        _sessions[token] = session with { ExpiresAt = now + SessionTokens.SlidingExpiry };
        return Task.FromResult<string?>(session.User);
    }

    public Task RemoveAsync(string token, CancellationToken cancellationToken)
    {
        _sessions.TryRemove(token, out _);
        return Task.CompletedTask;
    }

    private sealed record Session(string User, DateTimeOffset ExpiresAt);
}

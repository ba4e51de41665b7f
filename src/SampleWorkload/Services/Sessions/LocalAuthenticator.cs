using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Observability.SampleWorkload.Services.Data;
using Observability.SampleWorkload.Services.Hosting;

namespace Observability.SampleWorkload.Services.Sessions;

/// <summary>
/// Checks credentials against the users table and the per-run password, and keeps sessions in the configured store.
/// Every seeded user shares the run's generated password, so a constant-time comparison with it replaces per-user hashes.
/// </summary>
internal sealed class LocalAuthenticator(StoreDatabase database, ISessionStore sessions, ServiceSettings settings) : IAuthenticator
{
    private readonly byte[] _password = Encoding.UTF8.GetBytes(settings.UserPassword ?? throw new InvalidOperationException("no user password configured"));

    public async Task<LoginResult?> LoginAsync(string user, string password, CancellationToken cancellationToken)
    {
        var passwordMatches = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), _password);
        await using var command = database.Replica.CreateCommand("SELECT EXISTS (SELECT 1 FROM users WHERE name = @name)");
        command.Parameters.AddWithValue("name", user);
        var known = (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        if (!known || !passwordMatches)
        {
            return null;
        }
        return new LoginResult(await sessions.CreateAsync(user, cancellationToken), user);
    }

    public Task<string?> ValidateAsync(string token, CancellationToken cancellationToken) => sessions.FindAsync(token, cancellationToken);

    public Task LogoutAsync(string token, CancellationToken cancellationToken) => sessions.RemoveAsync(token, cancellationToken);
}

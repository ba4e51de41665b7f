using System.Data.Common;
using Observability.Core.Telemetry;
using Observability.Core.Users;

namespace Observability.Core.Storage;

/// <summary>The dashboard's users: schema and SQL shared by both stores.</summary>
internal sealed class UserTables(SqlExecutor sql) : IUserStore
{
    /// <summary>Schema migration 6 in both stores. Names are unique in lower case, so "Admin" cannot shadow "admin".</summary>
    public static string Schema(string integer, string text) => $"""
        CREATE TABLE users (
            name_key {text} PRIMARY KEY,
            name {text} NOT NULL,
            password_hash {text} NOT NULL,
            role {text} NOT NULL,
            created_at_unix_nano {integer} NOT NULL,
            disabled_at_unix_nano {integer}
        );
        """;

    private const string Columns = "name, password_hash, role, created_at_unix_nano, disabled_at_unix_nano";

    private static string Key(string name) => name.ToLowerInvariant();

    public async Task<bool> AddAsync(UserRecord user, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync($"""
            INSERT INTO users (name_key, {Columns}) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (name_key) DO NOTHING;
            """, [Key(user.Name), user.Name, user.PasswordHash, user.Role, UnixTime.Nanos(user.CreatedAt),
                user.DisabledAt is { } disabled ? UnixTime.Nanos(disabled) : null], cancellationToken) == 1;

    public async Task<UserRecord?> FindAsync(string name, CancellationToken cancellationToken) =>
        (await sql.ReadAsync($"SELECT {Columns} FROM users WHERE name_key = $1;", [Key(name)], Read, cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<UserRecord>> GetAllAsync(CancellationToken cancellationToken) =>
        await sql.ReadAsync($"SELECT {Columns} FROM users ORDER BY name_key;", [], Read, cancellationToken);

    public async Task<bool> SetPasswordHashAsync(string name, string passwordHash, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync("UPDATE users SET password_hash = $2 WHERE name_key = $1;", [Key(name), passwordHash], cancellationToken) == 1;

    public async Task<bool> SetRoleAsync(string name, string role, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync("UPDATE users SET role = $2 WHERE name_key = $1;", [Key(name), role], cancellationToken) == 1;

    public async Task<bool> SetDisabledAsync(string name, DateTimeOffset? disabledAt, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync("UPDATE users SET disabled_at_unix_nano = $2 WHERE name_key = $1;",
            [Key(name), disabledAt is { } at ? UnixTime.Nanos(at) : null], cancellationToken) == 1;

    private static UserRecord Read(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), UnixTime.ToDateTimeOffset(reader.GetInt64(3)),
        reader.IsDBNull(4) ? null : UnixTime.ToDateTimeOffset(reader.GetInt64(4)));
}

using System.Data.Common;
using Observability.Core.Alerting.Notifications;
using Observability.Core.Telemetry;

namespace Observability.Core.Storage;

/// <summary>Webhook receivers added from the dashboard: schema and SQL shared by both stores.</summary>
internal sealed class WebhookReceiverTables(SqlExecutor sql) : IWebhookReceiverStore
{
    /// <summary>Schema migration 7 in both stores. The grouping labels are one comma-separated text: label names hold no comma.</summary>
    public static string Schema(string integer, string text) => $"""
        CREATE TABLE webhook_receivers (
            name_key {text} PRIMARY KEY,
            name {text} NOT NULL,
            url {text} NOT NULL,
            secret {text} NOT NULL,
            group_by {text} NOT NULL,
            created_by {text} NOT NULL,
            created_at_unix_nano {integer} NOT NULL
        );
        """;

    private const string Columns = "name, url, secret, group_by, created_by, created_at_unix_nano";

    private static string Key(string name) => name.ToLowerInvariant();

    public async Task<bool> AddAsync(StoredWebhookReceiver receiver, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync($"""
            INSERT INTO webhook_receivers (name_key, {Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (name_key) DO NOTHING;
            """, [Key(receiver.Name), receiver.Name, receiver.Url, receiver.Secret, string.Join(',', receiver.GroupBy), receiver.CreatedBy,
                UnixTime.Nanos(receiver.CreatedAt)], cancellationToken) == 1;

    public async Task<IReadOnlyList<StoredWebhookReceiver>> GetAllAsync(CancellationToken cancellationToken) =>
        await sql.ReadAsync($"SELECT {Columns} FROM webhook_receivers ORDER BY name_key;", [], Read, cancellationToken);

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync("DELETE FROM webhook_receivers WHERE name_key = $1;", [Key(name)], cancellationToken) == 1;

    private static StoredWebhookReceiver Read(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2),
        reader.GetString(3).Split(',', StringSplitOptions.RemoveEmptyEntries), reader.GetString(4), UnixTime.ToDateTimeOffset(reader.GetInt64(5)));
}

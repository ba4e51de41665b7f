namespace Observability.Core.Alerting.Notifications;

/// <summary>
/// A webhook receiver added from the dashboard rather than configured: its name, URL, signing secret (kept to sign with,
/// never shown back), grouping labels, and who added it when. It is delivered to like a configured one with defaults.
/// </summary>
public sealed record StoredWebhookReceiver(string Name, string Url, string Secret, IReadOnlyList<string> GroupBy, string CreatedBy, DateTimeOffset CreatedAt)
{
    /// <summary>The delivery settings: this URL, secret and grouping, every other setting at its default.</summary>
    public WebhookReceiverOptions ToOptions() => new() { Url = Url, Secret = Secret, GroupBy = [.. GroupBy] };
}

/// <summary>The webhook receivers added from the dashboard, in the telemetry database so every Collector sharing it delivers to them.</summary>
public interface IWebhookReceiverStore
{
    /// <summary>Adds a receiver; false when one of that name (any case) is already stored.</summary>
    Task<bool> AddAsync(StoredWebhookReceiver receiver, CancellationToken cancellationToken);

    /// <summary>Every stored receiver, by name.</summary>
    Task<IReadOnlyList<StoredWebhookReceiver>> GetAllAsync(CancellationToken cancellationToken);

    /// <summary>Removes a receiver; false when there was none of that name.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken);
}

using Observability.Core.Alerting.Notifications;

namespace Observability.Collector.Alerting.Webhooks;

/// <summary>
/// The webhook settings under "Alerting": the receivers (<c>Alerting:Webhooks:&lt;name&gt;:*</c>), the URL payloads link
/// back to (<c>Alerting:ExternalUrl</c>) and the retry policy (<c>Alerting:Delivery:*</c>).
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Alerting";

    /// <summary>The product's public URL: the payload's externalURL, and the base of each alert's generatorURL.</summary>
    public string ExternalUrl { get; set; } = "http://localhost:8081";

    public Dictionary<string, WebhookReceiverOptions> Webhooks { get; set; } = new(StringComparer.Ordinal);

    public WebhookDeliveryOptions Delivery { get; set; } = new();
}

/// <summary>Settings "Alerting:Delivery:*": how failed deliveries are retried and when they are given up.</summary>
public sealed class WebhookDeliveryOptions
{
    /// <summary>The wait after the first failed attempt; it doubles with each further failure.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts (before ±10% jitter).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long after it was created a notification is still retried; after that it is marked failed.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>At most this many due notifications are taken per delivery run.</summary>
    public int BatchSize { get; set; } = 200;
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Observability.Collector.Alerting.Webhooks;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Notifications;
using Observability.Core.Storage;

namespace Observability.Dashboard.Administration.Webhooks;

/// <summary>A receiver as the Settings page lists it: where it sends, how it groups, and where it comes from.</summary>
public sealed record WebhookReceiverView(string Name, string Url, IReadOnlyList<string> GroupBy, string Source, bool Stored);

/// <summary>The "add a receiver" form as typed.</summary>
public sealed class WebhookReceiverForm
{
    public string Name { get; set; } = "";

    public string Url { get; set; } = "";

    /// <summary>Empty: one is generated and shown once.</summary>
    public string Secret { get; set; } = "";

    /// <summary>Comma-separated label names; empty groups by alertname; "..." by all labels.</summary>
    public string GroupBy { get; set; } = "";
}

/// <summary>A receiver added from the page, and the secret generated for it (shown this once) when none was typed.</summary>
public sealed record AddedWebhookReceiver(StoredWebhookReceiver Receiver, string? GeneratedSecret);

/// <summary>
/// The Settings page's webhooks: the configured receivers (read-only), the ones stored from here (added, removed), a test
/// notification through the real delivery code, and the outbox's recent deliveries.
/// </summary>
public sealed partial class WebhookSettings(WebhookReceivers receivers, WebhookTestNotification test, ITelemetryStore store, TimeProvider time)
{
    public async Task<IReadOnlyList<WebhookReceiverView>> ListAsync(CancellationToken cancellationToken)
    {
        var configured = receivers.Configured.OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => new WebhookReceiverView(r.Key, r.Value.Url, r.Value.EffectiveGroupBy, $"configuration (Alerting:Webhooks:{r.Key}), read-only here", false));
        var stored = (await store.WebhookReceivers.GetAllAsync(cancellationToken))
            .Where(r => !receivers.Configured.ContainsKey(r.Name))
            .Select(r => new WebhookReceiverView(r.Name, r.Url, r.ToOptions().EffectiveGroupBy,
                $"added here by {r.CreatedBy} on {r.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC", true));
        return [.. configured, .. stored];
    }

    /// <summary>Stores a receiver; throws <see cref="ArgumentException"/> naming the field that is not acceptable.</summary>
    public async Task<AddedWebhookReceiver> AddAsync(WebhookReceiverForm form, string addedBy, CancellationToken cancellationToken)
    {
        var name = form.Name.Trim();
        if (!ReceiverName().IsMatch(name))
        {
            throw new ArgumentException($"name '{name}' must be 1 to 64 letters, digits, '-', '_' or '.'", "name");
        }
        if (receivers.Configured.Keys.Any(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"name '{name}' is a configured receiver (Alerting:Webhooks:{name}); choose another name", "name");
        }
        if (!Uri.TryCreate(form.Url.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"url '{form.Url}' is not an absolute http or https URL (e.g. https://hooks.example.org/alerts)", "url");
        }
        var groupBy = form.GroupBy.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (groupBy.Contains(WebhookReceiverOptions.AllLabels) && groupBy.Length > 1)
        {
            throw new ArgumentException("group by '...' means all labels and cannot be combined with label names", "groupBy");
        }
        if (groupBy.FirstOrDefault(label => label != WebhookReceiverOptions.AllLabels && !LabelName().IsMatch(label)) is { } bad)
        {
            throw new ArgumentException($"group by '{bad}' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*) or '...'", "groupBy");
        }
        var generated = string.IsNullOrEmpty(form.Secret) ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)) : null;
        var receiver = new StoredWebhookReceiver(name, url.ToString(), generated ?? form.Secret, groupBy, addedBy, time.GetUtcNow());
        if (!await store.WebhookReceivers.AddAsync(receiver, cancellationToken))
        {
            throw new ArgumentException($"a receiver named '{name}' already exists", "name");
        }
        await receivers.ScheduleAsync(cancellationToken);
        return new AddedWebhookReceiver(receiver, generated);
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var deleted = await store.WebhookReceivers.DeleteAsync(name, cancellationToken);
        await receivers.ScheduleAsync(cancellationToken);
        return deleted;
    }

    /// <summary>Sends a signed test notification to the receiver now and says how it went: "delivered: HTTP 200 in 12 ms" or "failed: ...".</summary>
    public async Task<string> SendTestAsync(string name, string sentBy, CancellationToken cancellationToken)
    {
        var all = await receivers.GetAllAsync(cancellationToken);
        if (!all.TryGetValue(name, out var receiver))
        {
            return $"failed: there is no receiver named '{name}' any more";
        }
        var result = await test.SendAsync(name, receiver, sentBy, cancellationToken);
        return Describe(result);
    }

    public static string Describe(WebhookSendResult result)
    {
        var took = result.LatencyMilliseconds.ToString("0", CultureInfo.InvariantCulture);
        return result.Delivered
            ? $"delivered: HTTP {result.StatusCode} in {took} ms"
            : $"failed: {result.Error} (after {took} ms)";
    }

    /// <summary>The outbox's latest notifications to every receiver, newest first (what GET /api/notifications lists).</summary>
    public Task<IReadOnlyList<Notification>> RecentDeliveriesAsync(int limit, CancellationToken cancellationToken) =>
        store.Alerting.GetNotificationsAsync(null, limit, cancellationToken);

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex ReceiverName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelName();
}

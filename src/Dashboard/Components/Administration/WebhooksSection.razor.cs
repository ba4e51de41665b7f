using Microsoft.AspNetCore.Components;
using Observability.Core.Alerting;
using Observability.Core.Security;
using Observability.Dashboard.Administration.Webhooks;

namespace Observability.Dashboard.Components.Administration;

/// <summary>Admins see every receiver, add and remove the stored ones, send a test notification and read recent deliveries.</summary>
public sealed partial class WebhooksSection
{
    private const int RecentDeliveries = 20;

    [Inject]
    public required WebhookSettings Settings { get; set; }

    private IReadOnlyList<WebhookReceiverView>? Receivers { get; set; }

    private IReadOnlyList<Notification>? Deliveries { get; set; }

    private Dictionary<string, string> TestResults { get; } = new(StringComparer.Ordinal);

    private WebhookReceiverForm Form { get; set; } = new();

    private string? Sending { get; set; }

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private async Task LoadAsync()
    {
        try
        {
            Receivers = await Settings.ListAsync(CancellationToken.None);
            Deliveries = await Settings.RecentDeliveriesAsync(RecentDeliveries, CancellationToken.None);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            Fail($"The receivers could not be read: {error.Message}");
        }
    }

    private async Task AddAsync()
    {
        try
        {
            var by = await RequireAsync(KnownPolicies.Administer);
            var added = await Settings.AddAsync(Form, by, CancellationToken.None);
            Form = new WebhookReceiverForm();
            Succeed(added.GeneratedSecret is { } secret
                ? $"Added {added.Receiver.Name}. Its signing secret, shown this once: {secret}"
                : $"Added {added.Receiver.Name}; its secret is stored and not shown again.");
        }
        catch (Exception error) when (error is ArgumentException or UnauthorizedAccessException)
        {
            Fail(Sentence(error));
        }
        await LoadAsync();
    }

    private async Task DeleteAsync(string name)
    {
        try
        {
            await RequireAsync(KnownPolicies.Administer);
            Succeed(await Settings.DeleteAsync(name, CancellationToken.None) ? $"Removed {name}." : $"{name} was already removed.");
            TestResults.Remove(name);
        }
        catch (UnauthorizedAccessException error)
        {
            Fail(error.Message);
        }
        await LoadAsync();
    }

    private async Task SendTestAsync(string name)
    {
        Sending = name;
        TestResults[name] = "sending…";
        try
        {
            var by = await RequireAsync(KnownPolicies.Administer);
            TestResults[name] = await Settings.SendTestAsync(name, by, CancellationToken.None);
        }
        catch (UnauthorizedAccessException error)
        {
            TestResults[name] = "failed: " + error.Message;
        }
        finally
        {
            Sending = null;
        }
    }

    private static string DeliveryText(Notification notification) => notification.Delivery switch
    {
        NotificationStatus.Delivered => $"delivered {notification.DeliveredAt?.UtcDateTime:HH:mm:ss}",
        NotificationStatus.Pending => notification.NextAttemptAt is { } next ? $"pending, next attempt {next.UtcDateTime:HH:mm:ss}" : "pending",
        _ => "failed",
    };
}

using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Observability.Core.Alerting;
using Observability.Core.Security;
using Observability.Dashboard.Administration;
using Observability.Dashboard.Administration.Webhooks;

namespace Observability.Dashboard.Components.Administration;

/// <summary>Admins see every receiver, add and remove the stored ones, send a test notification and read recent deliveries.</summary>
public sealed partial class WebhooksSection
{
    private const int RecentDeliveries = 20;

    [Inject]
    public required WebhookSettings Settings { get; set; }

    [Inject]
    public required ActingUser Acting { get; set; }

    [CascadingParameter]
    public Task<AuthenticationState>? Authentication { get; set; }

    private IReadOnlyList<WebhookReceiverView>? Receivers { get; set; }

    private IReadOnlyList<Notification>? Deliveries { get; set; }

    private Dictionary<string, string> TestResults { get; } = new(StringComparer.Ordinal);

    private WebhookReceiverForm Form { get; set; } = new();

    private string? Sending { get; set; }

    private string? Message { get; set; }

    private bool MessageIsError { get; set; }

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
            var by = await Acting.RequireAsync(Authentication, KnownPolicies.Administer);
            var added = await Settings.AddAsync(Form, by, CancellationToken.None);
            Form = new WebhookReceiverForm();
            Message = added.GeneratedSecret is { } secret
                ? $"Added {added.Receiver.Name}. Its signing secret, shown this once: {secret}"
                : $"Added {added.Receiver.Name}; its secret is stored and not shown again.";
            MessageIsError = false;
        }
        catch (ArgumentException error)
        {
            Fail(char.ToUpperInvariant(error.Message[0]) + error.Message.Split(" (Parameter")[0][1..] + ".");
        }
        catch (UnauthorizedAccessException error)
        {
            Fail(error.Message);
        }
        await LoadAsync();
    }

    private async Task DeleteAsync(string name)
    {
        try
        {
            await Acting.RequireAsync(Authentication, KnownPolicies.Administer);
            Message = await Settings.DeleteAsync(name, CancellationToken.None) ? $"Removed {name}." : $"{name} was already removed.";
            MessageIsError = false;
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
            var by = await Acting.RequireAsync(Authentication, KnownPolicies.Administer);
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

    private void Fail(string message)
    {
        Message = message;
        MessageIsError = true;
    }
}

using System.Text.Json;
using Bunit;
using Observability.Collector.Alerting.Webhooks;
using Observability.Core.Alerting.Notifications;
using Observability.Core.Security;
using Observability.Dashboard.Components.Administration;
using Observability.Tests.Shared;

namespace Observability.Dashboard.Tests.Administration;

public sealed class WebhooksSectionTests : AdministrationContext
{
    private const string Secret = "receiver-secret-for-tests";

    private IRenderedComponent<WebhooksSection> Render()
    {
        SignInAs("alice", KnownRoles.Admin);
        return Context.Render<WebhooksSection>();
    }

    private static async Task AddAsync(IRenderedComponent<WebhooksSection> section, string name, string url, string secret = "", string groupBy = "")
    {
        section.Find("[data-testid=webhook-name]").Input(name);
        section.Find("[data-testid=webhook-url]").Input(url);
        section.Find("[data-testid=webhook-secret]").Input(secret);
        section.Find("[data-testid=webhook-group-by]").Input(groupBy);
        await section.Find("[data-testid=webhook-add]").ClickAsync(new());
    }

    private static string Message(IRenderedComponent<WebhooksSection> section) => section.Find("[data-testid=webhooks-message]").TextContent.Trim();

    [Fact]
    public void Says_so_when_there_is_no_receiver_and_nothing_was_sent()
    {
        var section = Render();

        Assert.StartsWith("No receivers: no notification is sent.", section.Find("[data-testid=webhooks-none]").TextContent.Trim());
        Assert.Equal("No notification has been sent yet.", section.Find("[data-testid=deliveries-none]").TextContent.Trim());
    }

    [Fact]
    public void A_configured_receiver_is_listed_read_only_with_where_it_comes_from()
    {
        Webhooks.Webhooks["pager"] = new WebhookReceiverOptions { Url = "https://pager.example.org/hook", Secret = Secret, GroupBy = ["service"] };

        var section = Render();

        var row = section.Find("[data-testid=webhook-row][data-name=pager]");
        Assert.Contains("https://pager.example.org/hook", row.TextContent);
        Assert.Contains("configuration (Alerting:Webhooks:pager), read-only here", row.TextContent);
        Assert.Null(row.QuerySelector("[data-testid=webhook-delete]"));
        Assert.DoesNotContain(Secret, section.Markup);
    }

    [Theory]
    [InlineData("ops", "ftp://hooks.example.org/x", "", "Url 'ftp://hooks.example.org/x' is not an absolute http or https URL (e.g. https://hooks.example.org/alerts).")]
    [InlineData("has space", "https://hooks.example.org/x", "", "Name 'has space' must be 1 to 64 letters, digits, '-', '_' or '.'.")]
    [InlineData("ops", "https://hooks.example.org/x", "service,9lives", "Group by '9lives' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*) or '...'.")]
    public async Task A_receiver_that_cannot_work_is_refused_naming_the_field(string name, string url, string groupBy, string message)
    {
        var section = Render();

        await AddAsync(section, name, url, groupBy: groupBy);

        Assert.Equal(message, Message(section));
        Assert.Empty(await Store.WebhookReceivers.GetAllAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_name_taken_by_configuration_is_refused()
    {
        Webhooks.Webhooks["pager"] = new WebhookReceiverOptions { Url = "https://pager.example.org/hook", Secret = Secret };
        var section = Render();

        await AddAsync(section, "Pager", "https://other.example.org/hook");

        Assert.Equal("Name 'Pager' is a configured receiver (Alerting:Webhooks:Pager); choose another name.", Message(section));
    }

    [Fact]
    public async Task A_receiver_added_without_a_secret_gets_one_shown_once_is_stored_and_schedules_delivery()
    {
        var section = Render();

        await AddAsync(section, "ops", "https://hooks.example.org/alerts", groupBy: "service, alertname");

        var stored = Assert.Single(await Store.WebhookReceivers.GetAllAsync(CancellationToken.None));
        Assert.Equal(("ops", "https://hooks.example.org/alerts", "alice"), (stored.Name, stored.Url, stored.CreatedBy));
        Assert.Equal(["service", "alertname"], stored.GroupBy);
        Assert.Equal($"Added ops. Its signing secret, shown this once: {stored.Secret}", Message(section));
        Assert.Equal(48, stored.Secret.Length);
        var row = section.Find("[data-testid=webhook-row][data-name=ops]");
        Assert.Contains("added here by alice on 2026-11-26 03:00 UTC", row.TextContent);
        Assert.Contains(WebhookDeliveryJob.RecurringJobId, Jobs.Scheduled);

        // Opened again, the page lists the receiver without its secret.
        var again = Context.Render<WebhooksSection>();
        Assert.Contains("https://hooks.example.org/alerts", again.Markup);
        Assert.DoesNotContain(stored.Secret, again.Markup);
    }

    [Fact]
    public async Task A_test_notification_arrives_signed_in_alertmanager_shape_and_the_page_says_how_it_went()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var section = Render();
        await AddAsync(section, "ops", receiver.Url, secret: Secret);

        await section.Find("[data-testid=webhook-row][data-name=ops] [data-testid=webhook-test]").ClickAsync(new());

        var result = section.Find("[data-testid=webhook-row][data-name=ops] [data-testid=webhook-test-result]").TextContent.Trim();
        Assert.Matches(@"^delivered: HTTP 200 in \d+ ms$", result);
        var request = Assert.Single(receiver.Received);
        Assert.True(WebhookSignature.Verify(Secret, request.Header(WebhookSignature.HeaderName), request.Body, Now, TimeSpan.FromMinutes(1)));
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("4", body.RootElement.GetProperty("version").GetString());
        Assert.Equal("ops", body.RootElement.GetProperty("receiver").GetString());
        var alert = Assert.Single(body.RootElement.GetProperty("alerts").EnumerateArray());
        Assert.Equal(WebhookTestNotification.AlertName, alert.GetProperty("labels").GetProperty("alertname").GetString());
        Assert.Contains("sent from the dashboard's Settings by alice", alert.GetProperty("annotations").GetProperty("summary").GetString());
    }

    [Fact]
    public async Task A_test_notification_to_a_receiver_that_is_down_says_the_connection_was_refused()
    {
        await using var receiver = await WebhookReceiver.StartAsync(listening: false);
        var section = Render();
        await AddAsync(section, "ops", receiver.Url, secret: Secret);

        await section.Find("[data-testid=webhook-row][data-name=ops] [data-testid=webhook-test]").ClickAsync(new());

        var result = section.Find("[data-testid=webhook-row][data-name=ops] [data-testid=webhook-test-result]").TextContent.Trim();
        Assert.StartsWith("failed: Connection refused", result);
    }

    [Fact]
    public async Task A_stored_receiver_can_be_removed()
    {
        var section = Render();
        await AddAsync(section, "ops", "https://hooks.example.org/alerts", secret: Secret);

        await section.Find("[data-testid=webhook-row][data-name=ops] [data-testid=webhook-delete]").ClickAsync(new());

        Assert.Equal("Removed ops.", Message(section));
        Assert.Empty(await Store.WebhookReceivers.GetAllAsync(CancellationToken.None));
        Assert.DoesNotContain(WebhookDeliveryJob.RecurringJobId, Jobs.Scheduled);
    }
}

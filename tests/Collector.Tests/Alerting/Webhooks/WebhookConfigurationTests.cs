using Microsoft.Extensions.Configuration;
using Observability.Collector.Alerting.Webhooks;
using Observability.Collector.Hosting;

namespace Observability.Collector.Tests.Alerting.Webhooks;

public sealed class WebhookConfigurationTests
{
    /// <summary>Later settings replace earlier ones of the same key.</summary>
    private static IConfiguration Configuration(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>();
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    private static readonly (string, string)[] Valid =
    [
        ("Alerting:Webhooks:oncall:Url", "https://hooks.example.test/alerts"),
        ("Alerting:Webhooks:oncall:Secret", "whsec-0123456789"),
    ];

    [Theory]
    [InlineData("Alerting:Webhooks:oncall:Secret", "", "Alerting:Webhooks:oncall:Secret is not set; set it in configuration (e.g. the environment variable Alerting__Webhooks__oncall__Secret): webhooks are never sent unsigned.")]
    [InlineData("Alerting:Webhooks:oncall:Url", "hooks.example.test/alerts", "Alerting:Webhooks:oncall:Url 'hooks.example.test/alerts' is not an absolute http or https URL.")]
    [InlineData("Alerting:Webhooks:oncall:Url", "ftp://hooks.example.test/", "Alerting:Webhooks:oncall:Url 'ftp://hooks.example.test/' is not an absolute http or https URL.")]
    [InlineData("Alerting:Webhooks:oncall:GroupBy:0", "service-name", "Alerting:Webhooks:oncall:GroupBy 'service-name' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*) or '...'.")]
    [InlineData("Alerting:Webhooks:oncall:GroupInterval", "00:00:00", "Alerting:Webhooks:oncall:GroupInterval '00:00:00' must be from 00:00:01 to 1.00:00:00.")]
    [InlineData("Alerting:Webhooks:oncall:TimeoutSeconds", "0", "Alerting:Webhooks:oncall:TimeoutSeconds 0 must be above 0 and at most 300.")]
    [InlineData("Alerting:ExternalUrl", "/dashboard", "Alerting:ExternalUrl '/dashboard' is not an absolute http or https URL.")]
    [InlineData("Alerting:Delivery:MaxBackoff", "00:00:00.5", "Alerting:Delivery:MaxBackoff '00:00:00.5000000' must be from 00:00:01 to 1.00:00:00.")]
    public void A_receiver_that_cannot_work_stops_start_up_naming_the_setting(string key, string value, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => WebhookConfiguration.Read(Configuration([.. Valid, (key, value)])));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void A_receiver_without_a_secret_setting_at_all_is_refused()
    {
        var error = Assert.Throws<ConfigurationException>(() => WebhookConfiguration.Read(Configuration(("Alerting:Webhooks:pager:Url", "https://hooks.example.test/"))));

        Assert.StartsWith("Alerting:Webhooks:pager:Secret is not set", error.Message);
    }

    [Fact]
    public void A_duration_that_does_not_parse_is_named()
    {
        var error = Assert.Throws<ConfigurationException>(() => WebhookConfiguration.Read(Configuration([.. Valid, ("Alerting:Webhooks:oncall:GroupWait", "5 seconds")])));

        Assert.Equal("Failed to convert configuration value '5 seconds' at 'Alerting:Webhooks:oncall:GroupWait' to type 'System.TimeSpan'.", error.Message);
    }

    [Fact]
    public void The_defaults_are_alertmanagers_but_for_a_5_second_group_wait()
    {
        var options = WebhookConfiguration.Read(Configuration(Valid));

        var receiver = options.Webhooks["oncall"];
        Assert.Equal(["alertname"], receiver.EffectiveGroupBy);
        Assert.Equal(TimeSpan.FromSeconds(5), receiver.GroupWait);
        Assert.Equal(TimeSpan.FromMinutes(1), receiver.GroupInterval);
        Assert.Equal(TimeSpan.FromHours(4), receiver.RepeatInterval);
        Assert.True(receiver.SendResolved);
        Assert.Empty(receiver.Match);
        Assert.Equal(10, receiver.TimeoutSeconds);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Delivery.InitialBackoff);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Delivery.MaxBackoff);
        Assert.Equal(TimeSpan.FromHours(24), options.Delivery.GiveUpAfter);
    }

    [Fact]
    public void Group_by_and_match_bind_from_configuration()
    {
        var options = WebhookConfiguration.Read(Configuration([.. Valid,
            ("Alerting:Webhooks:oncall:GroupBy:0", "service"),
            ("Alerting:Webhooks:oncall:GroupBy:1", "alertname"),
            ("Alerting:Webhooks:oncall:Match:severity", "page")]));

        Assert.Equal(["service", "alertname"], options.Webhooks["oncall"].EffectiveGroupBy);
        Assert.Equal("page", options.Webhooks["oncall"].Match["severity"]);
    }
}

using System.Text.RegularExpressions;
using Observability.Collector.Hosting;
using Observability.Core.Alerting.Notifications;

namespace Observability.Collector.Alerting.Webhooks;

/// <summary>Reads and checks the webhook settings at start-up, so a receiver that cannot work stops the process with one line naming it.</summary>
internal static partial class WebhookConfiguration
{
    public static WebhookOptions Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(WebhookOptions.Section);
        var options = new WebhookOptions
        {
            ExternalUrl = Bind(() => section.GetValue(nameof(WebhookOptions.ExternalUrl), new WebhookOptions().ExternalUrl), "Alerting:ExternalUrl")!,
            Delivery = Bind(() => section.GetSection(nameof(WebhookOptions.Delivery)).Get<WebhookDeliveryOptions>(), "Alerting:Delivery") ?? new WebhookDeliveryOptions(),
        };
        // Bound one by one: the binder skips a dictionary entry it cannot convert, which would drop a receiver silently.
        foreach (var child in section.GetSection(nameof(WebhookOptions.Webhooks)).GetChildren())
        {
            var receiver = Bind(() => child.Get<WebhookReceiverOptions>(), $"Alerting:Webhooks:{child.Key}")
                ?? throw new ConfigurationException($"Alerting:Webhooks:{child.Key} has no settings; set at least its Url and Secret.");
            options.Webhooks[child.Key] = receiver;
        }

        RequireHttpUrl(options.ExternalUrl, "Alerting:ExternalUrl");
        foreach (var (name, receiver) in options.Webhooks)
        {
            var prefix = $"Alerting:Webhooks:{name}";
            RequireHttpUrl(receiver.Url, $"{prefix}:Url");
            if (string.IsNullOrWhiteSpace(receiver.Secret))
            {
                throw new ConfigurationException(
                    $"{prefix}:Secret is not set; set it in configuration (e.g. the environment variable Alerting__Webhooks__{name}__Secret): webhooks are never sent unsigned.");
            }
            var groupBy = receiver.GroupBy;
            if (groupBy.Contains(WebhookReceiverOptions.AllLabels) && groupBy.Count > 1)
            {
                throw new ConfigurationException($"{prefix}:GroupBy '...' means all labels and cannot be combined with label names.");
            }
            foreach (var label in groupBy.Where(l => l != WebhookReceiverOptions.AllLabels))
            {
                if (!LabelName().IsMatch(label))
                {
                    throw new ConfigurationException($"{prefix}:GroupBy '{label}' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*) or '...'.");
                }
            }
            foreach (var label in receiver.Match.Keys)
            {
                if (!LabelName().IsMatch(label))
                {
                    throw new ConfigurationException($"{prefix}:Match '{label}' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*).");
                }
            }
            RequireRange(receiver.GroupWait, TimeSpan.Zero, TimeSpan.FromHours(1), $"{prefix}:GroupWait");
            RequireRange(receiver.GroupInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), $"{prefix}:GroupInterval");
            RequireRange(receiver.RepeatInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30), $"{prefix}:RepeatInterval");
            if (receiver.TimeoutSeconds is not (> 0 and <= 300))
            {
                throw new ConfigurationException($"{prefix}:TimeoutSeconds {receiver.TimeoutSeconds} must be above 0 and at most 300.");
            }
        }

        var delivery = options.Delivery;
        RequireRange(delivery.InitialBackoff, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1), "Alerting:Delivery:InitialBackoff");
        RequireRange(delivery.MaxBackoff, delivery.InitialBackoff, TimeSpan.FromDays(1), "Alerting:Delivery:MaxBackoff");
        RequireRange(delivery.GiveUpAfter, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30), "Alerting:Delivery:GiveUpAfter");
        if (delivery.BatchSize is < 1 or > 10_000)
        {
            throw new ConfigurationException($"Alerting:Delivery:BatchSize {delivery.BatchSize} must be from 1 to 10000.");
        }
        return options;
    }

    private static T? Bind<T>(Func<T?> bind, string section)
    {
        try
        {
            return bind();
        }
        catch (InvalidOperationException error)
        {
            // The binder's message names the key and the value it could not convert.
            throw new ConfigurationException(error.Message.Contains(section, StringComparison.Ordinal) ? error.Message : $"{section}: {error.Message}");
        }
    }

    private static void RequireHttpUrl(string? url, string setting)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            throw new ConfigurationException($"{setting} '{url}' is not an absolute http or https URL.");
        }
    }

    private static void RequireRange(TimeSpan value, TimeSpan min, TimeSpan max, string setting)
    {
        if (value < min || value > max)
        {
            throw new ConfigurationException($"{setting} '{value}' must be from {min} to {max}.");
        }
    }

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();
}

using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Observability.Collector.Roadmap;
using Observability.Core.Alerting.Notifications;
using Observability.Tests.Shared;
using Xunit.Abstractions;

namespace Observability.SampleWorkload.Tests.Integration;

/// <summary>Phase 2 under a Collector whose alerts go to a real webhook receiver, as on-call staff would receive them.</summary>
public sealed class Phase2AlertingWorkload : WorkloadUnderCollector
{
    public const string Secret = "workload-alerting-secret-0123";

    protected override int Phase => 2;

    public WebhookReceiver Receiver { get; private set; } = null!;

    protected override async Task<IReadOnlyDictionary<string, string?>> CollectorSettingsAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        return new Dictionary<string, string?>
        {
            ["Alerting:Phase"] = "2",
            ["Alerting:EvaluationSchedule"] = "*/2 * * * * *",
            ["Alerting:Webhooks:oncall:Url"] = Receiver.Url,
            ["Alerting:Webhooks:oncall:Secret"] = Secret,
            ["Alerting:Webhooks:oncall:GroupBy:0"] = "alertname",
            ["Alerting:Webhooks:oncall:GroupBy:1"] = "service",
        };
    }

    protected override async ValueTask DisposeMoreAsync() => await Receiver.DisposeAsync();
}

[Collection(WorkloadCollection.Name)]
public sealed class Phase2AlertingTests(Phase2AlertingWorkload workload, ITestOutputHelper output) : IClassFixture<Phase2AlertingWorkload>
{
    private static bool Carries(ReceivedWebhook webhook, string status, string service)
    {
        using var body = JsonDocument.Parse(webhook.Body);
        var root = body.RootElement;
        return root.GetProperty("status").GetString() == status
            && root.GetProperty("commonLabels").TryGetProperty("alertname", out var name) && name.GetString() == "HighErrorRatio"
            && root.GetProperty("groupLabels").TryGetProperty("service", out var labelled) && labelled.GetString() == service;
    }

    [Fact]
    public async Task An_errors_fault_pages_with_a_signed_webhook_and_resolves_after_it_ends_with_mttd_and_mttr_measured()
    {
        const string service = "storefront-api";
        // The workload's telemetry has to flow first, so the error ratio has requests to be a ratio of.
        await WorkloadUnderCollector.EventuallyAsync(async () =>
        {
            var red = await workload.GetAsync("/api/red");
            var requests = red.GetProperty("services").EnumerateArray().FirstOrDefault(s => s.GetProperty("service").GetString() == service);
            return (requests.ValueKind == JsonValueKind.Object ? "ok" : null, red.ToString());
        }, TimeSpan.FromSeconds(90));

        var fault = await workload.StartFaultAsync("errors", 20, service);
        var startedAt = fault.GetProperty("startedAt").GetDateTimeOffset();
        var endsAt = fault.GetProperty("endsAt").GetDateTimeOffset();

        var firing = (await workload.Receiver.WaitForAsync(r => r.Any(w => Carries(w, "firing", service)), TimeSpan.FromSeconds(60), "the firing page"))
            .First(w => Carries(w, "firing", service));
        output.WriteLine($"fault {startedAt:HH:mm:ss.fff}, firing webhook {firing.At:HH:mm:ss.fff}: {(firing.At - startedAt).TotalSeconds:0.0} s");
        Assert.True(WebhookSignature.Verify(Phase2AlertingWorkload.Secret, firing.Header(WebhookSignature.HeaderName), firing.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.NotNull(firing.Header(WebhookSignature.IdempotencyKeyHeader));
        using (var payload = JsonDocument.Parse(firing.Body))
        {
            var alert = payload.RootElement.GetProperty("alerts")[0];
            Assert.Equal("page", alert.GetProperty("labels").GetProperty("severity").GetString());
            Assert.Equal("0001-01-01T00:00:00Z", alert.GetProperty("endsAt").GetString());
        }

        var resolved = (await workload.Receiver.WaitForAsync(r => r.Any(w => Carries(w, "resolved", service)), TimeSpan.FromSeconds(120), "the resolved notification"))
            .First(w => Carries(w, "resolved", service));
        output.WriteLine($"fault ended {endsAt:HH:mm:ss.fff}, resolved webhook {resolved.At:HH:mm:ss.fff}: {(resolved.At - endsAt).TotalSeconds:0.0} s");
        Assert.True(resolved.At > endsAt);
        // One firing and one resolved notification for the service's group: no duplicate for one state change.
        Assert.Single(workload.Receiver.Received, w => Carries(w, "firing", service));

        // The incident's impact start is the fault's ground truth; it resolved with its alert.
        var incident = await WorkloadUnderCollector.EventuallyAsync(async () =>
        {
            var incidents = await workload.GetAsync("/api/incidents");
            var found = incidents.GetProperty("incidents").EnumerateArray().FirstOrDefault(i => i.GetProperty("service").GetString() == service);
            return (found.ValueKind == JsonValueKind.Object && found.GetProperty("status").GetString() == "resolved" ? (object)found : null, incidents.ToString());
        }, TimeSpan.FromSeconds(60));
        var row = (JsonElement)incident;
        Assert.InRange((row.GetProperty("impactStart").GetDateTimeOffset() - startedAt).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.NotEqual(JsonValueKind.Null, row.GetProperty("notifiedAt").ValueKind);
        output.WriteLine($"MTTD {row.GetProperty("timeToDetectMinutes").GetDouble() * 60:0.0} s, MTTR {row.GetProperty("timeToResolveMinutes").GetDouble() * 60:0.0} s");

        await workload.Collector.Services.GetRequiredService<KpiJob>().MeasureAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        var roadmap = await workload.GetAsync("/api/roadmap?window=now");
        var phase7 = roadmap.GetProperty("phases")[6].GetProperty("targets").EnumerateArray().ToDictionary(t => t.GetProperty("metric").GetString()!);
        Assert.Equal(JsonValueKind.Number, phase7["mttd"].GetProperty("actual").ValueKind);
        Assert.Equal(JsonValueKind.Number, phase7["mttr"].GetProperty("actual").ValueKind);
    }
}

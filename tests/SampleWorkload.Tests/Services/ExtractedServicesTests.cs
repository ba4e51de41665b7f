using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Observability.SampleWorkload.Shared;
using static Observability.SampleWorkload.Tests.Services.StorefrontCalls;

namespace Observability.SampleWorkload.Tests.Services;

/// <summary>Phase 4: storefront-api calls auth-service and payment-service over HTTP and reports orders to reporting-service over a Redis stream.</summary>
[Collection(ServicesCollection.Name)]
public sealed class ExtractedServicesTests(ServicesFixture servers)
{
    [Fact]
    public async Task A_checkout_crosses_auth_payment_and_reporting_in_one_trace()
    {
        using var recorder = new ActivityRecorder();
        await using var auth = await servers.StartAsync(KnownRoles.Auth, servers.Settings(phase: 4, quickWins: true));
        await using var payment = await servers.StartAsync(KnownRoles.Payment, servers.Settings(phase: 4, quickWins: true));
        await using var reporting = await servers.StartAsync(KnownRoles.Reporting, servers.Settings(phase: 4, quickWins: true));
        var storefrontSettings = servers.Settings(phase: 4, quickWins: true);
        storefrontSettings[KnownSettings.AuthUrl] = auth.BaseAddress.ToString();
        storefrontSettings[KnownSettings.PaymentUrl] = payment.BaseAddress.ToString();
        storefrontSettings[KnownSettings.ReportingUrl] = reporting.BaseAddress.ToString();
        // The storefront no longer knows the password: auth-service checks it.
        storefrontSettings.Remove(KnownSettings.UserPassword);
        await using var storefront = await servers.StartAsync(KnownRoles.Storefront, storefrontSettings);
        using var client = storefront.Client(DecompressionMethods.All);

        var token = await LoginAsync(client, "user-4004", servers.UserPassword);
        Assert.Contains(recorder.Server("/auth/login"), span => span.Status != ActivityStatusCode.Error);
        using (var wrong = await client.PostAsJsonAsync("/api/login", new { user = "user-4004", password = "wrong" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(client, "/api/cart", "made-up")).Status);

        var line = await SendAsync(client, Signed(HttpMethod.Post, "/api/cart/items", token, new { productId = 42, quantity = 2 }));
        Assert.Equal(HttpStatusCode.OK, line.Status);
        var placed = await SendAsync(client, Signed(HttpMethod.Post, "/api/checkout", token));
        Assert.Equal(HttpStatusCode.Created, placed.Status);
        var orderId = placed.Body.GetProperty("orderId").GetInt64();
        var totalCents = placed.Body.GetProperty("totalCents").GetInt64();

        // reporting-service consumed the order event and counted it.
        await using var database = NpgsqlDataSource.Create(servers.Postgres.ConnectionString);
        await EventuallyAsync(async () =>
        {
            await using var processed = database.CreateCommand("SELECT EXISTS (SELECT 1 FROM report_processed_orders WHERE order_id = $1)");
            processed.Parameters.AddWithValue(orderId);
            return (bool)(await processed.ExecuteScalarAsync())!;
        }, done => done, TimeSpan.FromSeconds(15), $"reporting of order {orderId}");
        using var reportClient = reporting.Client();
        var report = await GetAsync(reportClient, "/api/reports/sales");
        Assert.Equal(HttpStatusCode.OK, report.Status);
        // Product 42 is in category 1 + 41 % 20 = 2.
        var category = report.Body.GetProperty("categories").EnumerateArray().Single(row => row.GetProperty("categoryId").GetInt32() == 2);
        Assert.True(category.GetProperty("revenueCents").GetInt64() >= totalCents);

        // One trace: storefront's checkout -> HttpClient -> payment-service's server span, and -> the stream consumer.
        var checkout = await EventuallyAsync(() => Task.FromResult(recorder.Server("/api/checkout").FirstOrDefault()), span => span is not null, TimeSpan.FromSeconds(5), "the checkout span");
        var spans = recorder.Ended.Where(span => span.TraceId == checkout!.TraceId).ToList();
        var paymentServer = Assert.Single(spans, span => span.Kind == ActivityKind.Server && Equals(span.GetTagItem("url.path"), "/payments"));
        var paymentClient = Assert.Single(spans, span => span.SpanId == paymentServer.ParentSpanId);
        Assert.Equal(ActivityKind.Client, paymentClient.Kind);
        Assert.True(IsDescendant(paymentClient, checkout!, spans), "the payment call is a child of the checkout request");
        var consumer = await EventuallyAsync(
            () => Task.FromResult(recorder.Ended.FirstOrDefault(span => span.TraceId == checkout!.TraceId && span.Kind == ActivityKind.Consumer)),
            span => span is not null, TimeSpan.FromSeconds(5), "the consumer span");
        Assert.Equal("process orders", consumer!.DisplayName);
        Assert.Contains(spans, span => span.Kind == ActivityKind.Producer && span.SpanId == consumer.ParentSpanId);
        Assert.Contains(spans, span => span.Source.Name == "Npgsql");
        // Redis commands (the XADD of the order event) join the trace too; the instrumentation reports them in batches.
        await EventuallyAsync(
            () => Task.FromResult(recorder.Ended.Count(span => span.TraceId == checkout!.TraceId && span.Source.Name.Contains("Redis", StringComparison.Ordinal))),
            count => count > 0, TimeSpan.FromSeconds(30), "a Redis span in the checkout trace");
    }

    private static bool IsDescendant(Activity span, Activity ancestor, IReadOnlyList<Activity> trace)
    {
        for (var current = span; current is not null; current = trace.FirstOrDefault(candidate => candidate.SpanId == current.ParentSpanId))
        {
            if (current.SpanId == ancestor.SpanId)
            {
                return true;
            }
        }
        return false;
    }
}

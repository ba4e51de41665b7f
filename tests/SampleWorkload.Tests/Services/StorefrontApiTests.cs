using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Observability.SampleWorkload.Shared;
using static Observability.SampleWorkload.Tests.Services.StorefrontCalls;

namespace Observability.SampleWorkload.Tests.Services;

/// <summary>Every storefront endpoint, phase 1 (one instance, sessions in process) with the quick wins on.</summary>
[Collection(ServicesCollection.Name)]
public sealed class StorefrontApiTests(ServicesFixture servers) : IAsyncLifetime
{
    private RunningService _storefront = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _storefront = await servers.StartAsync(KnownRoles.Storefront, servers.Settings(phase: 1, quickWins: true));
        _client = _storefront.Client(DecompressionMethods.All);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _storefront.DisposeAsync();
    }

    [Fact]
    public async Task Login_accepts_the_run_password_and_names_what_is_wrong_otherwise()
    {
        await LoginAsync(_client, "user-42", servers.UserPassword);

        using var wrong = await _client.PostAsJsonAsync("/api/login", new { user = "user-42", password = "not-" + servers.UserPassword });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var unknown = await _client.PostAsJsonAsync("/api/login", new { user = "user-100001", password = servers.UserPassword });
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);

        AssertBadField(await SendAsync(_client, new HttpRequestMessage(HttpMethod.Post, "/api/login") { Content = JsonContent.Create(new { password = "x" }) }), "user");
        AssertBadField(await SendAsync(_client, new HttpRequestMessage(HttpMethod.Post, "/api/login") { Content = JsonContent.Create(new { user = "user-1" }) }), "password");
        var malformed = await SendAsync(_client, new HttpRequestMessage(HttpMethod.Post, "/api/login")
        {
            Content = new StringContent("{\"user\": ", Encoding.UTF8, "application/json"),
        });
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.Contains("JSON", malformed.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Catalog_lists_categories_pages_products_and_search_results()
    {
        var categories = await GetAsync(_client, "/api/categories");
        Assert.Equal(HttpStatusCode.OK, categories.Status);
        Assert.Equal(20, categories.Body.GetArrayLength());
        Assert.Equal(10_000, categories.Body.EnumerateArray().Sum(category => category.GetProperty("productCount").GetInt32()));

        var page = await GetAsync(_client, "/api/products?category=3&page=2");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var products = page.Body.GetProperty("products").EnumerateArray().ToList();
        Assert.Equal(20, products.Count);
        Assert.All(products, product => Assert.Equal(3, product.GetProperty("categoryId").GetInt32()));
        var all = await GetAsync(_client, "/api/products");
        Assert.Equal(1, all.Body.GetProperty("products")[0].GetProperty("id").GetInt32());

        var product = await GetAsync(_client, "/api/products/1234");
        Assert.Equal(HttpStatusCode.OK, product.Status);
        Assert.Equal(1234, product.Body.GetProperty("id").GetInt32());
        Assert.True(product.Body.GetProperty("stock").GetInt32() > 0);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(_client, "/api/products/10001")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(_client, "/api/products?category=21")).Status);

        var search = await GetAsync(_client, "/api/search?q=LAMP");
        Assert.Equal(HttpStatusCode.OK, search.Status);
        var found = search.Body.GetProperty("products").EnumerateArray().ToList();
        Assert.Equal(20, found.Count);
        Assert.All(found, hit => Assert.Contains("lamp", hit.GetProperty("name").GetString()));
        Assert.Equal(0, (await GetAsync(_client, "/api/search?q=%25%25nothing")).Body.GetProperty("products").GetArrayLength());

        AssertBadField(await GetAsync(_client, "/api/products?page=abc"), "page");
        AssertBadField(await GetAsync(_client, "/api/products?page=0"), "page");
        AssertBadField(await GetAsync(_client, "/api/products?category=-1"), "category");
        AssertBadField(await GetAsync(_client, "/api/products/abc"), "id");
        AssertBadField(await GetAsync(_client, "/api/search"), "q");
        AssertBadField(await GetAsync(_client, "/api/search?q=" + new string('x', 101)), "q");
    }

    [Fact]
    public async Task Cart_checkout_and_order_history_need_a_valid_token()
    {
        foreach (var path in new[] { "/api/cart", "/api/orders" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(_client, path)).Status);
            Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(_client, path, "made-up-token")).Status);
        }
        var checkout = await SendAsync(_client, new HttpRequestMessage(HttpMethod.Post, "/api/checkout"));
        Assert.Equal(HttpStatusCode.Unauthorized, checkout.Status);
        Assert.Equal("Authorization", checkout.Body.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_user_fills_a_cart_checks_out_and_finds_the_order_in_the_history()
    {
        var token = await LoginAsync(_client, "user-7", servers.UserPassword);
        var history = await GetAsync(_client, "/api/orders", token);
        Assert.Equal(HttpStatusCode.OK, history.Status);
        // Seeded: every user has five historical orders.
        Assert.Equal(5, history.Body.GetProperty("orders").GetArrayLength());

        AssertBadField(await SendAsync(_client, Signed(HttpMethod.Post, "/api/checkout", token)), "cart");
        AssertBadField(await SendAsync(_client, Signed(HttpMethod.Post, "/api/cart/items", token, new { quantity = 1 })), "productId");
        AssertBadField(await SendAsync(_client, Signed(HttpMethod.Post, "/api/cart/items", token, new { productId = 5, quantity = 0 })), "quantity");
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(_client, Signed(HttpMethod.Post, "/api/cart/items", token, new { productId = 99_999, quantity = 1 }))).Status);

        var stockBefore = (await GetAsync(_client, "/api/products/5")).Body.GetProperty("stock").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(_client, Signed(HttpMethod.Post, "/api/cart/items", token, new { productId = 5, quantity = 2 }))).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(_client, Signed(HttpMethod.Post, "/api/cart/items", token, new { productId = 5, quantity = 1 }))).Status);
        var added = await SendAsync(_client, Signed(HttpMethod.Post, "/api/cart/items", token, new { productId = 6, quantity = 1 }));
        var removed = await SendAsync(_client, Signed(HttpMethod.Delete, "/api/cart/items/6", token));
        Assert.Equal(HttpStatusCode.OK, removed.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(_client, Signed(HttpMethod.Delete, "/api/cart/items/6", token))).Status);
        AssertBadField(await SendAsync(_client, Signed(HttpMethod.Delete, "/api/cart/items/six", token)), "productId");

        var cart = await GetAsync(_client, "/api/cart", token);
        var line = Assert.Single(cart.Body.GetProperty("items").EnumerateArray());
        Assert.Equal(5, line.GetProperty("productId").GetInt32());
        Assert.Equal(3, line.GetProperty("quantity").GetInt32());
        var expectedTotal = 3L * line.GetProperty("priceCents").GetInt32();
        Assert.Equal(expectedTotal, cart.Body.GetProperty("totalCents").GetInt64());
        Assert.Equal(2, added.Body.GetProperty("items").GetArrayLength());

        var placed = await SendAsync(_client, Signed(HttpMethod.Post, "/api/checkout", token));
        Assert.Equal(HttpStatusCode.Created, placed.Status);
        Assert.Equal(expectedTotal, placed.Body.GetProperty("totalCents").GetInt64());
        var orderId = placed.Body.GetProperty("orderId").GetInt64();
        Assert.True(orderId > 500_000, "new orders are numbered after the seeded ones");

        Assert.Equal(0, (await GetAsync(_client, "/api/cart", token)).Body.GetProperty("items").GetArrayLength());
        var newest = (await GetAsync(_client, "/api/orders", token)).Body.GetProperty("orders")[0];
        Assert.Equal(orderId, newest.GetProperty("orderId").GetInt64());
        Assert.Equal(expectedTotal, newest.GetProperty("totalCents").GetInt64());
        // The checkout invalidated the product's cached page.
        Assert.Equal(stockBefore - 3, (await GetAsync(_client, "/api/products/5")).Body.GetProperty("stock").GetInt32());

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(_client, Signed(HttpMethod.Post, "/api/logout", token))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(_client, "/api/cart", token)).Status);
    }

    [Fact]
    public async Task Quick_wins_add_caching_headers_and_compression()
    {
        using var raw = _storefront.Client();
        using var first = new HttpRequestMessage(HttpMethod.Get, "/api/products?category=1");
        first.Headers.AcceptEncoding.ParseAdd("gzip");
        using var response = await raw.SendAsync(first);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.CacheControl?.MaxAge);
        var etag = response.Headers.ETag;
        Assert.NotNull(etag);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/products?category=1");
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await raw.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task Signing_in_and_out_moves_the_active_sessions_gauge()
    {
        var before = ActiveSessions();
        var token = await LoginAsync(_client, "user-99", servers.UserPassword);
        Assert.Equal(before + 1, ActiveSessions());
        // Signing in again is a second session of the same monthly active user.
        var monthly = Gauge("app.users.monthly_active");
        Assert.InRange(monthly, 1, long.MaxValue);
        await SendAsync(_client, Signed(HttpMethod.Post, "/api/logout", await LoginAsync(_client, "user-99", servers.UserPassword)));
        Assert.Equal(monthly, Gauge("app.users.monthly_active"));
        await SendAsync(_client, Signed(HttpMethod.Post, "/api/logout", token));
        Assert.Equal(before, ActiveSessions());
    }

    [Fact]
    public async Task Health_reports_the_database()
    {
        var health = await GetAsync(_client, KnownPaths.Health);
        Assert.Equal(HttpStatusCode.OK, health.Status);
        Assert.Equal("healthy", health.Body.GetProperty("status").GetString());
        using var metrics = await _client.GetAsync(KnownPaths.Metrics);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }

    private static long ActiveSessions() => Gauge("app.sessions.active");

    private static long Gauge(string name)
    {
        long value = -1;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meters) =>
        {
            if (instrument.Meter.Name == WorkloadTelemetry.SourceName && instrument.Name == name)
            {
                meters.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, measured, _, _) => value = measured);
        listener.Start();
        listener.RecordObservableInstruments();
        return value;
    }
}

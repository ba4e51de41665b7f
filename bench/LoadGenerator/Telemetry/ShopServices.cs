namespace Observability.Bench.LoadGenerator.Telemetry;

/// <summary>What a service talks to, which decides the spans it can emit.</summary>
internal sealed record ShopService(
    string Name,
    string Version,
    string[] Routes,
    string? DbSystem,
    string[] Tables,
    string[] ConsumesTopics,
    string[] ProducesTopics,
    string[] Operations)
{
    public bool IsEntry { get; init; }
}

/// <summary>One running copy of a service: the resource its spans carry.</summary>
internal sealed record ServiceInstance(ShopService Service, string InstanceId, string HostName, string PodName, string Region, int ProcessId, string Address);

/// <summary>
/// A made-up web shop of about twenty services: two entry points, HTTP between services, PostgreSQL and Redis,
/// Kafka topics. Shaped after what the OpenTelemetry .NET instrumentations emit for ASP.NET Core, HttpClient,
/// Npgsql, StackExchange.Redis and Kafka.
/// </summary>
internal static class ShopServices
{
    public static readonly ShopService[] All =
    [
        new("frontend", "3.14.2", ["GET /", "GET /products/{id}", "GET /cart", "POST /checkout", "GET /account/orders"], null, [], [], [], ["RenderPage", "BuildViewModel"]) { IsEntry = true },
        new("api-gateway", "1.9.0", ["GET /api/orders/{id}", "POST /api/orders", "GET /api/products", "GET /api/users/{id}/profile", "GET /api/search"], "redis", ["ratelimit"], [], [], ["RouteRequest", "CheckRateLimit"]) { IsEntry = true },
        new("checkout", "2.4.1", ["POST /checkout", "GET /checkout/{id}/status"], "postgresql", ["checkouts", "checkout_items"], [], ["checkout.completed"], ["PlaceOrder", "ValidateCart"]),
        new("cart", "2.0.7", ["GET /cart/{userId}", "POST /cart/{userId}/items", "DELETE /cart/{userId}/items/{itemId}"], "redis", ["cart"], [], [], ["MergeCart"]),
        new("catalog", "5.1.0", ["GET /products", "GET /products/{id}", "GET /categories/{slug}"], "postgresql", ["products", "categories", "product_images"], [], [], ["LoadProduct", "ApplyLocale"]),
        new("payment", "4.2.3", ["POST /payments", "GET /payments/{id}", "POST /payments/{id}/refund"], "postgresql", ["payments", "payment_attempts"], [], ["payments.settled"], ["AuthorizeCard", "CapturePayment"]),
        new("shipping", "1.3.5", ["POST /shipments", "GET /shipments/{id}/quote"], "postgresql", ["shipments", "carriers"], [], ["shipments.created"], ["QuoteCarriers"]),
        new("inventory", "3.0.2", ["GET /stock/{sku}", "POST /stock/reservations", "DELETE /stock/reservations/{id}"], "postgresql", ["stock", "reservations"], ["checkout.completed"], [], ["ReserveStock"]),
        new("orders", "6.7.0", ["GET /orders/{id}", "POST /orders", "GET /orders"], "postgresql", ["orders", "order_lines", "order_events"], [], ["orders.created"], ["CreateOrder", "LoadOrder"]),
        new("users", "2.2.9", ["GET /users/{id}", "PATCH /users/{id}"], "postgresql", ["users", "addresses"], [], [], ["LoadProfile"]),
        new("auth", "1.12.0", ["POST /token", "GET /introspect"], "redis", ["sessions"], [], [], ["ValidateToken", "IssueToken"]),
        new("notification", "1.1.4", ["POST /notifications"], "postgresql", ["notifications"], ["orders.created", "shipments.created"], [], ["RenderTemplate"]),
        new("search", "4.0.0", ["GET /search", "GET /search/suggest"], "redis", ["suggestions"], [], [], ["RankResults", "ParseQuery"]),
        new("recommendation", "0.9.8", ["GET /recommendations/{userId}"], "redis", ["recs"], [], [], ["ScoreCandidates"]),
        new("pricing", "2.5.0", ["POST /prices/quote", "GET /prices/{sku}"], "redis", ["prices"], [], [], ["ApplyDiscounts", "ConvertCurrency"]),
        new("reviews", "1.6.2", ["GET /products/{id}/reviews", "POST /products/{id}/reviews"], "postgresql", ["reviews"], [], [], ["ModerateReview"]),
        new("email", "1.0.3", ["POST /emails"], null, [], ["orders.created", "payments.settled"], [], ["RenderEmail", "SendSmtp"]),
        new("fraud-detection", "3.3.1", ["POST /score"], "redis", ["risk_signals"], [], [], ["EvaluateRules", "ScoreTransaction"]),
        new("loyalty", "1.4.0", ["GET /points/{userId}", "POST /points/{userId}/earn"], "postgresql", ["points", "tiers"], ["payments.settled"], [], ["AccruePoints"]),
        new("reporting", "2.8.6", ["GET /reports/daily"], "postgresql", ["sales_facts"], ["orders.created", "payments.settled", "checkout.completed"], [], ["AggregateSales"]),
    ];

    public static readonly string[] Regions = ["eu-west-1", "eu-central-1", "us-east-1"];

    public static readonly ShopService[] Downstream = All.Where(service => !service.IsEntry).ToArray();

    /// <summary>Three instances of every service, each with its own host, pod, process and address.</summary>
    public static ServiceInstance[][] Instances(Random random) => All
        .Select((service, serviceIndex) => Enumerable.Range(0, 3).Select(i => new ServiceInstance(
            service,
            new Guid(Bytes(random, 16)).ToString(),
            $"shop-node-{random.Next(1, 40):00}",
            $"{service.Name}-{Convert.ToHexStringLower(BitConverter.GetBytes(random.Next()))[..6]}-{(char)('a' + i)}{random.Next(100, 999)}",
            Regions[(serviceIndex + i) % Regions.Length],
            random.Next(1, 65_000),
            $"10.42.{serviceIndex}.{10 + i}")).ToArray())
        .ToArray();

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}

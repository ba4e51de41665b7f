using System.Text;

// The storefront API's routes as the load generator calls them, answered at once from constant JSON: sign-in
// checks the password from STANDIN_USER_PASSWORD and hands out a token, every other route wants a bearer token.
// STANDIN_LATENCY_MILLISECONDS delays every answer. Nothing is stored, so the figures measured against it are the load generator's, not a database's.
var password = Environment.GetEnvironmentVariable("STANDIN_USER_PASSWORD");
if (string.IsNullOrEmpty(password))
{
    Console.Error.WriteLine("STANDIN_USER_PASSWORD is required: the password the load generator's users sign in with");
    return 2;
}
var passwordJson = Encoding.UTF8.GetBytes($"\"password\":\"{password}\"");
// Optional delay before every answer, so the load generator can be measured against a target as slow as a real one:
// slower answers mean more requests in flight and more open connections for the same number of users.
var latency = TimeSpan.FromMilliseconds(int.TryParse(Environment.GetEnvironmentVariable("STANDIN_LATENCY_MILLISECONDS"), out var milliseconds) ? milliseconds : 0);

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:0");
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxConcurrentConnections = null);
var app = builder.Build();

var categories = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(1, 20).Select(id => $$"""{"id":{{id}},"name":"category {{id}}"}""")) + "]");
var productPage = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(1, 20).Select(id => $$"""{"id":{{id}},"name":"product {{id}}","priceCents":1299}""")) + "]");
var product = """{"id":7,"name":"product 7","description":"A product of the stand-in storefront.","priceCents":1299,"stock":12}"""u8.ToArray();
var cart = """{"items":[{"productId":7,"quantity":1,"priceCents":1299}],"totalCents":1299}"""u8.ToArray();
var added = """{"added":true}"""u8.ToArray();
var order = """{"orderId":123,"totalCents":1299}"""u8.ToArray();
var orders = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(1, 20).Select(id => $$"""{"orderId":{{id}},"totalCents":1299,"createdAt":"2026-11-20T12:00:00Z"}""")) + "]");
var empty = "{}"u8.ToArray();
long tokens = 0;

app.Run(async context =>
{
    if (latency > TimeSpan.Zero)
    {
        await Task.Delay(latency);
    }
    var request = context.Request;
    var path = request.Path.Value ?? "";
    if (path == "/api/login" && HttpMethods.IsPost(request.Method))
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        if (body.GetBuffer().AsSpan(0, (int)body.Length).IndexOf(passwordJson) < 0)
        {
            context.Response.StatusCode = 401;
            return;
        }
        await Json(context, 200, Encoding.UTF8.GetBytes($$"""{"token":"stand-in-{{Interlocked.Increment(ref tokens)}}","user":"user"}"""));
        return;
    }
    if (!request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
    {
        context.Response.StatusCode = 401;
        return;
    }
    var method = request.Method;
    var answer = path switch
    {
        "/api/logout" => (200, empty),
        "/api/categories" => (200, categories),
        "/api/products" => (200, productPage),
        "/api/search" => (200, productPage),
        "/api/cart" => (200, cart),
        "/api/cart/items" when HttpMethods.IsPost(method) => (200, added),
        "/api/checkout" => (201, order),
        "/api/orders" => (200, orders),
        _ when path.StartsWith("/api/products/", StringComparison.Ordinal) => (200, product),
        _ when path.StartsWith("/api/cart/items/", StringComparison.Ordinal) && HttpMethods.IsDelete(method) => (200, cart),
        _ => (404, empty),
    };
    if (request.ContentLength > 0)
    {
        await request.Body.CopyToAsync(Stream.Null);
    }
    await Json(context, answer.Item1, answer.Item2);
});

await app.StartAsync();
Console.WriteLine($"listening on {app.Urls.First()}");
await app.WaitForShutdownAsync();
return 0;

static Task Json(HttpContext context, int status, byte[] body)
{
    context.Response.StatusCode = status;
    context.Response.ContentType = "application/json";
    context.Response.ContentLength = body.Length;
    return context.Response.Body.WriteAsync(body, 0, body.Length);
}

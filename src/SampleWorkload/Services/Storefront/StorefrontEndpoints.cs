using System.Globalization;
using Observability.SampleWorkload.Services.Auth;
using Observability.SampleWorkload.Services.Caching;
using Observability.SampleWorkload.Services.Hosting;
using Observability.SampleWorkload.Services.Messaging;
using Observability.SampleWorkload.Services.Payment;
using Observability.SampleWorkload.Services.Sessions;

namespace Observability.SampleWorkload.Services.Storefront;

/// <summary>storefront-api's public API under /api (see docs: the load generator uses exactly these).</summary>
internal static class StorefrontEndpoints
{
    private const string UserItem = "storefront.user";

    public static WebApplication MapStorefront(this WebApplication app, ServiceSettings settings)
    {
        var quickWins = settings.QuickWins;
        var api = app.MapGroup("/api");

        api.MapPost("/login", async (HttpRequest request, IAuthenticator authenticator, CancellationToken cancellationToken) =>
        {
            var (body, error) = await ApiResults.ReadBodyAsync<LoginRequest>(request);
            if (error is not null)
            {
                return error;
            }
            if (LoginValidation.Check(body!) is { } invalid)
            {
                return invalid;
            }
            var session = await authenticator.LoginAsync(body!.User!, body.Password!, cancellationToken);
            return session is null ? ApiResults.Unauthorized(LoginValidation.WrongCredentials) : Results.Ok(session);
        });

        api.MapGet("/categories", async (HttpContext context, CatalogQueries catalog, CancellationToken cancellationToken) =>
            CatalogResponses.Json(context, await catalog.CategoriesAsync(cancellationToken), CatalogQueries.CategoriesDuration, quickWins));

        api.MapGet("/products", async (HttpContext context, string? category, string? page, CatalogQueries catalog, CancellationToken cancellationToken) =>
        {
            int? categoryId = null;
            if (category is not null)
            {
                if (!TryParsePositive(category, int.MaxValue, out var id))
                {
                    return ApiResults.BadRequest("category", $"category '{category}' is not a category id: a positive whole number");
                }
                categoryId = id;
            }
            var pageNumber = 1;
            if (page is not null && !TryParsePositive(page, CatalogQueries.MaximumPage, out pageNumber))
            {
                return ApiResults.BadRequest("page", $"page '{page}' is not accepted: a whole number from 1 to {CatalogQueries.MaximumPage}");
            }
            var body = await catalog.PageAsync(categoryId, pageNumber, cancellationToken);
            return body is null
                ? ApiResults.NotFound($"no category {categoryId}")
                : CatalogResponses.Json(context, body, CatalogQueries.PageDuration, quickWins);
        });

        api.MapGet("/products/{id}", async (HttpContext context, string id, CatalogQueries catalog, CancellationToken cancellationToken) =>
        {
            if (!TryParsePositive(id, int.MaxValue, out var productId))
            {
                return ApiResults.BadRequest("id", $"id '{id}' is not accepted: a product id is a positive whole number");
            }
            var body = await catalog.ProductAsync(productId, cancellationToken);
            return body is null ? ApiResults.NotFound($"no product {productId}") : CatalogResponses.Json(context, body, CatalogQueries.ProductDuration, quickWins);
        });

        api.MapGet("/search", async (HttpContext context, string? q, CatalogQueries catalog, CancellationToken cancellationToken) =>
        {
            var query = q?.Trim();
            if (query is not { Length: > 0 and <= CatalogQueries.MaximumQueryLength })
            {
                return ApiResults.BadRequest("q", $"q is required: 1 to {CatalogQueries.MaximumQueryLength} characters of search text");
            }
            return CatalogResponses.Json(context, await catalog.SearchAsync(query, cancellationToken), CatalogQueries.SearchDuration, quickWins);
        });

        var signedIn = api.MapGroup("").AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            var token = ApiResults.BearerToken(context.Request);
            var authenticator = context.RequestServices.GetRequiredService<IAuthenticator>();
            var user = token is null ? null : await authenticator.ValidateAsync(token, context.RequestAborted);
            if (user is null || StoreUsers.IdOf(user) is not { } userId)
            {
                return ApiResults.Unauthorized(token is null
                    ? "sign in first: POST /api/login, then send Authorization: Bearer <token>"
                    : "the bearer token is unknown or expired: sign in again");
            }
            context.Items[UserItem] = new SignedInUser(user, userId, token!);
            CatalogResponses.Private(context);
            return await next(invocation);
        });

        signedIn.MapPost("/logout", async (HttpContext context, IAuthenticator authenticator, CancellationToken cancellationToken) =>
        {
            await authenticator.LogoutAsync(User(context).Token, cancellationToken);
            return Results.NoContent();
        });

        signedIn.MapGet("/cart", async (HttpContext context, CartStore carts, CancellationToken cancellationToken) =>
            Results.Ok(await carts.GetAsync(User(context).Id, cancellationToken)));

        signedIn.MapPost("/cart/items", async (HttpContext context, CartStore carts, CancellationToken cancellationToken) =>
        {
            var (body, error) = await ApiResults.ReadBodyAsync<CartItemRequest>(context.Request);
            if (error is not null)
            {
                return error;
            }
            if (body!.ProductId is not > 0)
            {
                return ApiResults.BadRequest("productId", "productId is required: a positive whole number");
            }
            if (body.Quantity is not (> 0 and <= CartStore.MaximumQuantity))
            {
                return ApiResults.BadRequest("quantity", $"quantity is required: 1 to {CartStore.MaximumQuantity}");
            }
            var user = User(context);
            if (!await carts.AddAsync(user.Id, body.ProductId.Value, body.Quantity.Value, cancellationToken))
            {
                return ApiResults.NotFound($"no product {body.ProductId}");
            }
            return Results.Ok(await carts.GetAsync(user.Id, cancellationToken));
        });

        signedIn.MapDelete("/cart/items/{productId}", async (HttpContext context, string productId, CartStore carts, CancellationToken cancellationToken) =>
        {
            if (!TryParsePositive(productId, int.MaxValue, out var id))
            {
                return ApiResults.BadRequest("productId", $"productId '{productId}' is not accepted: a positive whole number");
            }
            var user = User(context);
            return await carts.RemoveAsync(user.Id, id, cancellationToken)
                ? Results.Ok(await carts.GetAsync(user.Id, cancellationToken))
                : ApiResults.NotFound($"product {id} is not in the cart");
        });

        signedIn.MapPost("/checkout", async (HttpContext context, OrderStore orders, IPaymentGateway payments, IOrderEventPublisher events, CatalogCache cache, CancellationToken cancellationToken) =>
        {
            var user = User(context);
            var lines = await orders.PricedCartAsync(user.Id, cancellationToken);
            if (lines.Count == 0)
            {
                return ApiResults.BadRequest("cart", "the cart is empty: add items with POST /api/cart/items first");
            }
            var totalCents = lines.Sum(line => (long)line.Quantity * line.PriceCents);
            // Authorized before the order is written, outside the transaction: no database locks are held across a call.
            var paymentId = await payments.AuthorizeAsync(user.Name, totalCents, Guid.NewGuid().ToString("N"), cancellationToken);
            var placed = await orders.PlaceAsync(user.Id, user.Name, lines, totalCents, paymentId, cancellationToken);
            await cache.InvalidateAsync([.. lines.Select(line => CatalogQueries.ProductKey(line.ProductId))]);
            await events.PublishAsync(placed, cancellationToken);
            return Results.Json(new CheckoutResult(placed.OrderId, totalCents), statusCode: StatusCodes.Status201Created);
        });

        signedIn.MapGet("/orders", async (HttpContext context, OrderStore orders, CancellationToken cancellationToken) =>
        {
            var (history, queryMilliseconds) = await orders.HistoryAsync(User(context).Id, cancellationToken);
            // Lets a benchmark read the query's own time apart from the network and the rest of the request.
            context.Response.Headers["Server-Timing"] = $"db;dur={queryMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)}";
            return Results.Ok(history);
        });
        return app;
    }

    private static SignedInUser User(HttpContext context) => (SignedInUser)context.Items[UserItem]!;

    private static bool TryParsePositive(string text, int maximum, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1 && value <= maximum;

    private sealed record SignedInUser(string Name, int Id, string Token);
}

/// <summary>Seeded user names are "user-{id}".</summary>
internal static class StoreUsers
{
    public static int? IdOf(string name) =>
        name.StartsWith("user-", StringComparison.Ordinal) && int.TryParse(name.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : null;
}

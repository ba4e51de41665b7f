namespace Observability.SampleWorkload.Services.Storefront;

/// <summary>A category with how many products it holds.</summary>
internal sealed record CategoryView(int Id, string Name, int ProductCount);

/// <summary>A product as listed in pages and search results.</summary>
internal sealed record ProductSummary(int Id, int CategoryId, string Name, int PriceCents);

/// <summary>A product's own page, with its stock.</summary>
internal sealed record ProductDetail(int Id, int CategoryId, string Name, string Description, int PriceCents, int Stock);

/// <summary>One page (<see cref="CatalogQueries.PageSize"/> products) of the catalog or of one category.</summary>
internal sealed record ProductPage(int? Category, int Page, int PageSize, IReadOnlyList<ProductSummary> Products);

/// <summary>Products whose name or description contains the query, at most one page.</summary>
internal sealed record SearchResult(string Query, IReadOnlyList<ProductSummary> Products);

/// <summary>Body of POST /api/cart/items; nullable members so a missing one is named in the 400.</summary>
internal sealed record CartItemRequest(int? ProductId, int? Quantity);

/// <summary>One line of the cart.</summary>
internal sealed record CartLine(int ProductId, string Name, int Quantity, int PriceCents);

/// <summary>The signed-in user's cart.</summary>
internal sealed record CartView(IReadOnlyList<CartLine> Items, long TotalCents);

/// <summary>A placed order.</summary>
internal sealed record CheckoutResult(long OrderId, long TotalCents);

/// <summary>One order in the history.</summary>
internal sealed record OrderSummary(long OrderId, DateTimeOffset CreatedAt, long TotalCents);

/// <summary>The signed-in user's last orders, newest first.</summary>
internal sealed record OrderHistory(IReadOnlyList<OrderSummary> Orders);

using System.Globalization;
using System.Text;

namespace Observability.SampleWorkload.LoadGen.Http;

/// <summary>
/// Every URI and request body the virtual users send, built once (or once per product) and shared, so a request
/// costs no string formatting. Catalog sizes follow the seeded store: 10,000 products in 20 categories.
/// </summary>
internal sealed class StorefrontRoutes
{
    public const int CategoryCount = 20;
    public const int ProductCount = 10_000;
    public const int ProductsPerPage = 20;

    /// <summary>Pages a user leafs through at most in one category; about 500 products each at 20 per page is 25 pages.</summary>
    public const int BrowsablePages = 10;

    /// <summary>Words people type into the search box of a general store.</summary>
    private static readonly string[] s_searchTerms =
    [
        "shirt", "shoes", "lamp", "coffee", "chair", "phone", "cable", "book", "watch", "bag",
        "jacket", "mug", "desk", "headphones", "camera", "blue", "red", "wood", "steel", "kids",
        "garden", "kitchen", "travel", "gift", "sale",
    ];

    private readonly Uri[] _productPages;
    private readonly Uri?[] _products = new Uri?[ProductCount + 1];
    private readonly Uri?[] _cartItems = new Uri?[ProductCount + 1];
    private readonly byte[]?[] _cartBodies = new byte[]?[(ProductCount + 1) * 3];
    private readonly Uri[] _searches;

    public StorefrontRoutes(Uri target)
    {
        Target = target;
        Login = Resolve("/api/login");
        Logout = Resolve("/api/logout");
        Categories = Resolve("/api/categories");
        Cart = Resolve("/api/cart");
        CartItemsCollection = Resolve("/api/cart/items");
        Checkout = Resolve("/api/checkout");
        Orders = Resolve("/api/orders");
        _productPages = new Uri[CategoryCount * BrowsablePages];
        for (var category = 1; category <= CategoryCount; category++)
        {
            for (var page = 1; page <= BrowsablePages; page++)
            {
                _productPages[((category - 1) * BrowsablePages) + page - 1] =
                    Resolve(string.Create(CultureInfo.InvariantCulture, $"/api/products?category={category}&page={page}"));
            }
        }
        _searches = s_searchTerms.Select(term => Resolve("/api/search?q=" + Uri.EscapeDataString(term))).ToArray();
    }

    public Uri Target { get; }

    public Uri Login { get; }

    public Uri Logout { get; }

    public Uri Categories { get; }

    public Uri Cart { get; }

    public Uri CartItemsCollection { get; }

    public Uri Checkout { get; }

    public Uri Orders { get; }

    public int SearchTermCount => _searches.Length;

    /// <summary>An empty JSON object, the body of a checkout.</summary>
    public static ReadOnlyMemory<byte> EmptyObject { get; } = "{}"u8.ToArray();

    public Uri ProductPage(int category, int page) => _productPages[((category - 1) * BrowsablePages) + page - 1];

    public Uri Search(int term) => _searches[term];

    // Races on these lazy caches are harmless: two threads build equal values and one wins.
    public Uri Product(int productId) =>
        _products[productId] ??= Resolve(string.Create(CultureInfo.InvariantCulture, $"/api/products/{productId}"));

    public Uri CartItem(int productId) =>
        _cartItems[productId] ??= Resolve(string.Create(CultureInfo.InvariantCulture, $"/api/cart/items/{productId}"));

    /// <summary>{"productId":N,"quantity":Q} for a quantity of 1 to 3.</summary>
    public byte[] CartItemBody(int productId, int quantity) =>
        _cartBodies[(productId * 3) + quantity - 1] ??=
            Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"productId":{{productId}},"quantity":{{quantity}}}"""));

    /// <summary>{"user":"user-N","password":"..."}; made once per sign-in, which is rare next to the other steps.</summary>
    public static byte[] LoginBody(string user, string password) =>
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new LoginRequest(user, password), LoadGenJsonContext.Default.LoginRequest);

    private Uri Resolve(string pathAndQuery) => new(Target, pathAndQuery);
}

namespace Observability.SampleWorkload.LoadGen.Users;

/// <summary>One thing a shopper does: each is one request to the storefront API.</summary>
internal enum UserStep
{
    SignIn,
    SignOut,
    Categories,
    ProductList,
    Search,
    Product,
    AddToCart,
    Cart,
    RemoveFromCart,
    Checkout,
    Orders,
}

/// <summary>Step names as the loadgen.step attribute carries them.</summary>
internal static class UserStepNames
{
    private static readonly string[] s_names =
        ["sign_in", "sign_out", "categories", "product_list", "search", "product", "add_to_cart", "cart", "remove_from_cart", "checkout", "orders"];

    public static string Of(UserStep step) => s_names[(int)step];
}

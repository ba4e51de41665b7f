using System.Net.Http.Headers;
using Observability.SampleWorkload.LoadGen.Http;
using Observability.SampleWorkload.LoadGen.Measurement;

namespace Observability.SampleWorkload.LoadGen.Users;

/// <summary>
/// One shopper: signs in, then browses, searches, looks at products, fills a cart, sometimes checks out or looks at
/// past orders, now and then signs out and comes back, with an exponentially distributed think time between steps.
/// An async loop, not a thread: ten thousand of these cost a few megabytes and no CPU while they think.
/// </summary>
internal sealed class VirtualUser
{
    private const int MaxCartLines = 8;

    /// <summary>Chance after any step that the user signs out (and signs in again after a pause).</summary>
    private const double SignOutChance = 0.01;

    private readonly int _index;
    private readonly VirtualUserSettings _settings;
    private readonly Random _random;
    private readonly string? _region;
    private readonly List<int> _cart = [];
    private AuthenticationHeaderValue? _authorization;
    private byte[]? _loginBody;
    private int _category = 1;
    private int _page = 1;
    private int _productId = 1;

    public VirtualUser(int index, VirtualUserSettings settings)
    {
        _index = index;
        _settings = settings;
        // Not HashCode.Combine: its hashes change from process to process, and the same seed must make the same choices.
        _random = new Random(unchecked((settings.Seed * 1_000_003) + index));
        _region = settings.Regions.Count == 0 ? null : settings.Regions[index % settings.Regions.Count];
    }

    public async Task RunAsync(CancellationToken stop)
    {
        var requestCancellation = CancellationTokenSource.CreateLinkedTokenSource(stop);
        try
        {
            var step = UserStep.SignIn;
            // Thinking first spreads the users' arrivals over a think time instead of one burst of sign-ins.
            while (await ThinkAsync(stop).ConfigureAwait(false))
            {
                if (_authorization is null && step != UserStep.SignIn)
                {
                    step = UserStep.SignIn;
                }
                var result = await SendAsync(step, requestCancellation, stop).ConfigureAwait(false);
                if (result.Outcome is null)
                {
                    return;
                }
                if (!requestCancellation.TryReset())
                {
                    requestCancellation.Dispose();
                    requestCancellation = CancellationTokenSource.CreateLinkedTokenSource(stop);
                }
                step = Next(step, result);
            }
        }
        finally
        {
            requestCancellation.Dispose();
        }
    }

    private ValueTask<StepResult> SendAsync(UserStep step, CancellationTokenSource requestCancellation, CancellationToken stop)
    {
        var routes = _settings.Client.Routes;
        switch (step)
        {
            case UserStep.SignIn:
                _loginBody ??= StorefrontRoutes.LoginBody(UserName(), _settings.UserPassword);
                return Send(step, HttpMethod.Post, routes.Login, _loginBody, authorize: false);
            case UserStep.SignOut:
                return Send(step, HttpMethod.Post, routes.Logout, ReadOnlyMemory<byte>.Empty);
            case UserStep.Categories:
                return Send(step, HttpMethod.Get, routes.Categories);
            case UserStep.ProductList:
                return Send(step, HttpMethod.Get, routes.ProductPage(_category, _page));
            case UserStep.Search:
                return Send(step, HttpMethod.Get, routes.Search(_random.Next(routes.SearchTermCount)));
            case UserStep.Product:
                return Send(step, HttpMethod.Get, routes.Product(_productId));
            case UserStep.AddToCart:
                return Send(step, HttpMethod.Post, routes.CartItemsCollection, routes.CartItemBody(_productId, _random.Next(1, 4)));
            case UserStep.Cart:
                return Send(step, HttpMethod.Get, routes.Cart);
            case UserStep.RemoveFromCart:
                return Send(step, HttpMethod.Delete, routes.CartItem(_cart.Count > 0 ? _cart[^1] : _productId));
            case UserStep.Checkout:
                return Send(step, HttpMethod.Post, routes.Checkout, StorefrontRoutes.EmptyObject);
            case UserStep.Orders:
                return Send(step, HttpMethod.Get, routes.Orders);
            default:
                throw new ArgumentOutOfRangeException(nameof(step), step, null);
        }

        ValueTask<StepResult> Send(UserStep step, HttpMethod method, Uri uri, ReadOnlyMemory<byte> body = default, bool authorize = true) =>
            _settings.Client.SendAsync(step, method, uri, body, authorize ? _authorization : null, _region, requestCancellation, stop);
    }

    /// <summary>What the user does next, given what just happened: a small Markov chain over the shop's pages.</summary>
    private UserStep Next(UserStep done, StepResult result)
    {
        if (done == UserStep.SignIn)
        {
            if (result.Outcome == RequestOutcome.Ok && result.Token is { Length: > 0 } token)
            {
                _authorization = new AuthenticationHeaderValue("Bearer", token);
                return Pick(UserStep.Categories, 0.6, UserStep.Search, 0.3, UserStep.Orders);
            }
            if (result.StatusCode == 401)
            {
                _settings.SignInRefused($"sign-in as {UserName()} was refused with 401: is --user-password (or WORKLOAD_USER_PASSWORD) this run's password?");
            }
            return UserStep.SignIn;
        }
        if (result.StatusCode == 401)
        {
            // The session is gone (expired, or its store restarted): sign in again, as a real client would.
            _authorization = null;
            return UserStep.SignIn;
        }
        if (done == UserStep.SignOut)
        {
            _authorization = null;
            _cart.Clear();
            return UserStep.SignIn;
        }
        if (_random.NextDouble() < SignOutChance)
        {
            return UserStep.SignOut;
        }
        var succeeded = result.Outcome == RequestOutcome.Ok;
        switch (done)
        {
            case UserStep.AddToCart when succeeded && _cart.Count < MaxCartLines:
                _cart.Add(_productId);
                break;
            case UserStep.RemoveFromCart when succeeded && _cart.Count > 0:
                _cart.RemoveAt(_cart.Count - 1);
                break;
            case UserStep.Checkout when succeeded:
                _cart.Clear();
                break;
        }

        switch (done)
        {
            case UserStep.Categories:
                _category = _random.Next(1, StorefrontRoutes.CategoryCount + 1);
                _page = 1;
                return UserStep.ProductList;
            case UserStep.ProductList:
                var next = PickIndex(0.6, 0.2, 0.1);
                if (next == 0)
                {
                    _productId = ProductIn(_category);
                    return UserStep.Product;
                }
                if (next == 1 && _page < StorefrontRoutes.BrowsablePages)
                {
                    _page++;
                    return UserStep.ProductList;
                }
                return next == 2 ? UserStep.Search : UserStep.Categories;
            case UserStep.Search:
                if (_random.NextDouble() < 0.7)
                {
                    _productId = _random.Next(1, StorefrontRoutes.ProductCount + 1);
                    return UserStep.Product;
                }
                return Pick(UserStep.Search, 0.67, UserStep.Categories);
            case UserStep.Product:
                var afterProduct = Pick(UserStep.AddToCart, 0.3, UserStep.Product, 0.2, UserStep.ProductList, 0.25, UserStep.Search, 0.15, UserStep.Categories);
                if (afterProduct == UserStep.Product)
                {
                    // A related product from the same category.
                    _productId = ProductIn(_category);
                }
                return _cart.Count >= MaxCartLines && afterProduct == UserStep.AddToCart ? UserStep.Cart : afterProduct;
            case UserStep.AddToCart:
                return Pick(UserStep.Cart, 0.4, UserStep.ProductList, 0.3, UserStep.Search);
            case UserStep.Cart:
                return _cart.Count == 0
                    ? UserStep.Categories
                    : Pick(UserStep.Checkout, 0.5, UserStep.RemoveFromCart, 0.1, UserStep.Categories);
            case UserStep.RemoveFromCart:
                return UserStep.Cart;
            case UserStep.Checkout:
                return Pick(UserStep.Orders, 0.3, UserStep.Categories, 0.6, UserStep.SignOut);
            case UserStep.Orders:
                return Pick(UserStep.Categories, 0.8, UserStep.SignOut);
            default:
                return UserStep.Categories;
        }
    }

    /// <summary>
    /// user-N for user i: consecutive accounts from a start the seed picks, so users never share an account while fewer
    /// than --user-count run. Signing out and in again keeps the account, as a shopper coming back would.
    /// </summary>
    private string UserName()
    {
        var start = unchecked((uint)_settings.Seed * 2_654_435_761u);
        return "user-" + (1 + ((start + (long)_index) % _settings.UserCount)).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A product of the category: the seeded store spreads products over categories round robin.</summary>
    private int ProductIn(int category)
    {
        const int perCategory = StorefrontRoutes.ProductCount / StorefrontRoutes.CategoryCount;
        return category + (StorefrontRoutes.CategoryCount * _random.Next(perCategory));
    }

    private async ValueTask<bool> ThinkAsync(CancellationToken stop)
    {
        if (stop.IsCancellationRequested)
        {
            return false;
        }
        var meanSeconds = _settings.MeanThinkTime.TotalSeconds;
        if (meanSeconds <= 0)
        {
            return true;
        }
        // Exponential: memoryless, like people; capped at ten means so one draw cannot stall a user for minutes.
        var seconds = Math.Min(-meanSeconds * Math.Log(1 - _random.NextDouble()), 10 * meanSeconds);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), stop).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private UserStep Pick(UserStep first, double firstChance, UserStep second, double secondChance, UserStep otherwise) =>
        PickIndex(firstChance, secondChance) switch { 0 => first, 1 => second, _ => otherwise };

    private UserStep Pick(UserStep first, double firstChance, UserStep second) =>
        _random.NextDouble() < firstChance ? first : second;

    private UserStep Pick(UserStep first, double firstChance, UserStep second, double secondChance, UserStep third, double thirdChance, UserStep fourth, double fourthChance, UserStep otherwise) =>
        PickIndex(firstChance, secondChance, thirdChance, fourthChance) switch { 0 => first, 1 => second, 2 => third, 3 => fourth, _ => otherwise };

    /// <summary>Index of the chance the draw falls in, or the count of chances when it falls past all of them.</summary>
    private int PickIndex(params ReadOnlySpan<double> chances)
    {
        var draw = _random.NextDouble();
        for (var i = 0; i < chances.Length; i++)
        {
            if (draw < chances[i])
            {
                return i;
            }
            draw -= chances[i];
        }
        return chances.Length;
    }
}

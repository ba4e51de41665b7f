using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Observability.SampleWorkload.Tests.LoadGen;

/// <summary>What the fake does with a request before its endpoint sees it.</summary>
internal enum FakeAnswer
{
    Normal,
    ServerError,
    CloseConnection,
    Hang,
}

/// <summary>One request as the fake saw it.</summary>
internal sealed record FakeRequest(long Timestamp, string Method, string Path, string? User, string? Region, int StatusCode);

/// <summary>
/// The storefront API's endpoints as the load generator uses them (sign-in with the run's password, bearer tokens,
/// 404 for anything else), answering at once with small JSON, on a free loopback port. Records every request and
/// can be told to answer 500, drop the connection or hang for chosen paths.
/// </summary>
internal sealed class FakeStorefront : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _sessions = new();
    private readonly ConcurrentQueue<FakeRequest> _requests = new();
    private int _nextToken;

    private FakeStorefront(WebApplication app, string password, Func<PathString, FakeAnswer>? answer)
    {
        _app = app;
        Password = password;
        Answer = answer ?? (_ => FakeAnswer.Normal);
    }

    public string Password { get; }

    public Func<PathString, FakeAnswer> Answer { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyCollection<FakeRequest> Requests => _requests;

    public static async Task<FakeStorefront> StartAsync(string password, Func<PathString, FakeAnswer>? answer = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeStorefront(app, password, answer);
        fake.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseAddress = new Uri(address);
        return fake;
    }

    /// <summary>Distinct signed-in users whose requests arrived within the last <paramref name="window"/>.</summary>
    public int DistinctUsersWithin(TimeSpan window)
    {
        var since = Stopwatch.GetTimestamp() - (long)(window.TotalSeconds * Stopwatch.Frequency);
        return _requests.Where(request => request.Timestamp >= since && request.User is not null).Select(request => request.User).Distinct().Count();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            switch (Answer(context.Request.Path))
            {
                case FakeAnswer.ServerError:
                    context.Response.StatusCode = 500;
                    break;
                case FakeAnswer.CloseConnection:
                    context.Abort();
                    break;
                case FakeAnswer.Hang:
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                    break;
                default:
                    await next(context);
                    break;
            }
            var user = context.Items.TryGetValue("user", out var signedIn) ? (string?)signedIn : UserOf(context);
            _requests.Enqueue(new FakeRequest(
                Stopwatch.GetTimestamp(), context.Request.Method, context.Request.Path + context.Request.QueryString, user,
                context.Request.Headers["X-Region"].FirstOrDefault(), context.Response.StatusCode));
        });

        app.MapPost("/api/login", async context =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var user = body.RootElement.GetProperty("user").GetString()!;
            if (body.RootElement.GetProperty("password").GetString() != Password || !user.StartsWith("user-", StringComparison.Ordinal))
            {
                context.Response.StatusCode = 401;
                return;
            }
            var token = $"token-{Interlocked.Increment(ref _nextToken)}";
            _sessions[token] = user;
            context.Items["user"] = user;
            await context.Response.WriteAsJsonAsync(new { token, user });
        });
        app.MapPost("/api/logout", context => Authorized(context, () => _sessions.TryRemove(Token(context)!, out _)));
        app.MapGet("/api/categories", context => Authorized(context, () => Enumerable.Range(1, 20).Select(id => new { id, name = $"category {id}" })));
        app.MapGet("/api/products", context => Authorized(context, () =>
            int.TryParse(context.Request.Query["category"], out var category) && int.TryParse(context.Request.Query["page"], out var page)
                ? Enumerable.Range(0, 20).Select(i => new { id = category + (20 * (((page - 1) * 20) + i)), name = "product" })
                : null));
        app.MapGet("/api/products/{id:int}", (HttpContext context, int id) => Authorized(context, () => new { id, name = $"product {id}", priceCents = 1299 }));
        app.MapGet("/api/search", context => Authorized(context, () =>
            context.Request.Query["q"].FirstOrDefault() is { Length: > 0 } ? new[] { new { id = 7, name = "product 7" } } : null));
        app.MapGet("/api/cart", context => Authorized(context, () => new { items = Array.Empty<object>() }));
        app.MapPost("/api/cart/items", async context =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var valid = body.RootElement.GetProperty("productId").GetInt32() is >= 1 and <= 10_000
                && body.RootElement.GetProperty("quantity").GetInt32() is >= 1 and <= 10;
            await Authorized(context, () => valid ? new { added = true } : null);
        });
        app.MapDelete("/api/cart/items/{productId:int}", (HttpContext context, int productId) => Authorized(context, () => new { removed = productId }));
        app.MapPost("/api/checkout", context => Authorized(context, () =>
        {
            context.Response.StatusCode = 201;
            return new { orderId = 123, totalCents = 2598 };
        }));
        app.MapGet("/api/orders", context => Authorized(context, () => Array.Empty<object>()));
    }

    /// <summary>401 without a valid bearer token, 400 when the endpoint finds the input invalid (null), else the JSON.</summary>
    private async Task Authorized(HttpContext context, Func<object?> answer)
    {
        if (UserOf(context) is not { } user)
        {
            context.Response.StatusCode = 401;
            return;
        }
        context.Items["user"] = user;
        if (answer() is not { } json)
        {
            context.Response.StatusCode = 400;
            return;
        }
        await context.Response.WriteAsJsonAsync(json);
    }

    private string? UserOf(HttpContext context) => Token(context) is { } token && _sessions.TryGetValue(token, out var user) ? user : null;

    private static string? Token(HttpContext context) =>
        context.Request.Headers.Authorization.FirstOrDefault() is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : null;
}

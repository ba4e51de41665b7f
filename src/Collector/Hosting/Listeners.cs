using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Observability.Collector.Hosting;

/// <summary>Which of the Collector's listeners a connection arrived on.</summary>
public enum ListenerKind
{
    Api,
    OtlpGrpc,
    OtlpHttp,
}

/// <summary>Set on every connection by the listener that accepted it.</summary>
public sealed record ListenerFeature(ListenerKind Kind);

/// <summary>Endpoint metadata: the listener an endpoint is served on. Endpoints without it belong to the API listener.</summary>
public sealed record ListenerMetadata(ListenerKind Kind);

internal static class Listeners
{
    /// <summary>Binds one URL on Kestrel and tags its connections with <paramref name="kind"/>.</summary>
    public static void Listen(KestrelServerOptions kestrel, string url, ListenerKind kind, HttpProtocols protocols)
    {
        var address = BindingAddress.Parse(url);
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            listen.Use(next => connection =>
            {
                connection.Features.Set(new ListenerFeature(kind));
                return next(connection);
            });
        }
        if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(address.Port, Configure);
        }
        else if (IPAddress.TryParse(address.Host, out var ip))
        {
            kestrel.Listen(ip, address.Port, Configure);
        }
        else
        {
            kestrel.ListenAnyIP(address.Port, Configure);
        }
    }

    /// <summary>True when the URL is reachable only from this machine.</summary>
    public static bool IsLoopback(string url)
    {
        var host = BindingAddress.Parse(url).Host;
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>The OTLP URLs that accept data from other machines while no API key is configured.</summary>
    public static IEnumerable<string> ExposedWithoutAuthentication(CollectorOptions options) => options.Otlp.IsEnabled
        ? []
        : new[] { options.OtlpGrpcUrl, options.OtlpHttpUrl }.Where(url => !IsLoopback(url));

    /// <summary>Answers 404 when an endpoint is asked for on a listener it does not belong to (OTLP on the API port, say).</summary>
    public static IApplicationBuilder UseListenerSeparation(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var arrivedOn = context.Features.Get<ListenerFeature>()?.Kind;
        var endpoint = context.GetEndpoint();
        if (arrivedOn is { } actual && endpoint is not null && (endpoint.Metadata.GetMetadata<ListenerMetadata>()?.Kind ?? ListenerKind.Api) != actual)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        return next(context);
    });
}

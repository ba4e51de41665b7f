using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Observability.SampleWorkload.Gateway;

/// <summary>
/// YARP does not retry. When an instance refuses the connection (killed, restarting), the request never reached
/// it, so sending it to another instance is safe even for a checkout: this takes the refusing instance out of
/// rotation at once (passive health) and forwards the request to another one, instead of answering 502.
/// </summary>
internal sealed class ConnectFailover(IDestinationHealthUpdater healthUpdater)
{
    private const int MaxAttempts = 3;
    private const long MaxBufferedBodyBytes = 1024 * 1024;

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var proxy = context.GetReverseProxyFeature();
        var cluster = context.GetRouteModel().Cluster;
        // Load balancing narrows AvailableDestinations to the one it picks; a retry chooses again from the rest.
        var candidates = proxy.AvailableDestinations.ToList();
        if (context.Request.ContentLength is > 0 and <= MaxBufferedBodyBytes)
        {
            context.Request.EnableBuffering();
        }
        for (var attempt = 1; ; attempt++)
        {
            await next();
            if (attempt >= MaxAttempts || context.Response.HasStarted || cluster is null
                || context.GetForwarderErrorFeature() is not { Error: ForwarderError.Request, Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } }
                || proxy.ProxiedDestination is not { } refused)
            {
                return;
            }
            healthUpdater.SetPassive(cluster, refused, DestinationHealth.Unhealthy, GatewayRoutes.PassiveReactivationPeriod);
            candidates.Remove(refused);
            if (candidates.Count == 0 || (context.Request.ContentLength > 0 && !context.Request.Body.CanSeek))
            {
                return;
            }
            if (context.Request.Body.CanSeek)
            {
                context.Request.Body.Position = 0;
            }
            proxy.AvailableDestinations = candidates.ToList();
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.StatusCode = StatusCodes.Status200OK;
        }
    }
}

using Observability.SampleWorkload.Launcher;
using Observability.SampleWorkload.Shared;
using Yarp.ReverseProxy.Configuration;

namespace Observability.SampleWorkload.Gateway;

/// <summary>
/// The gateway's YARP routes and clusters, built from the storefront instances: one round-robin cluster of all of
/// them, and in phases 6 and 7 one per region, chosen by the X-Region request header the load generator sends.
/// </summary>
internal static class GatewayRoutes
{
    public const string RegionHeader = "X-Region";
    public const string AllCluster = "storefront";
    private static readonly TimeSpan ActiveCheckInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ActiveCheckTimeout = TimeSpan.FromSeconds(1);

    /// <summary>How long a destination that refused a connection stays out of rotation before it is tried again.</summary>
    public static readonly TimeSpan PassiveReactivationPeriod = TimeSpan.FromSeconds(5);

    public static (IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters) Build(int phase, IEnumerable<ServiceInstance> instances)
    {
        var storefronts = instances.Where(instance => instance.Role == KnownRoles.Storefront).ToList();
        var routes = new List<RouteConfig>
        {
            // Without (or with an unknown) X-Region a request may go to any instance; Order puts region routes first.
            new() { RouteId = "api", ClusterId = AllCluster, Order = 100, Match = new RouteMatch { Path = "/api/{**catch-all}" } },
        };
        var clusters = new List<ClusterConfig> { Cluster(AllCluster, storefronts) };
        if (PhaseProfile.IsMultiRegion(phase))
        {
            foreach (var region in PhaseProfile.Regions)
            {
                var inRegion = storefronts.Where(instance => instance.Spec.Region == region.Name).ToList();
                if (inRegion.Count == 0)
                {
                    continue;
                }
                var clusterId = $"{AllCluster}-{region.Name}";
                clusters.Add(Cluster(clusterId, inRegion));
                routes.Add(new RouteConfig
                {
                    RouteId = $"api-{region.Name}",
                    ClusterId = clusterId,
                    Order = 10,
                    Match = new RouteMatch
                    {
                        Path = "/api/{**catch-all}",
                        Headers = [new RouteHeader { Name = RegionHeader, Values = [region.Name], Mode = HeaderMatchMode.ExactHeader }],
                    },
                });
            }
        }
        return (routes, clusters);
    }

    private static ClusterConfig Cluster(string id, IEnumerable<ServiceInstance> instances) => new()
    {
        ClusterId = id,
        LoadBalancingPolicy = "RoundRobin",
        Destinations = instances.ToDictionary(instance => instance.Id, instance => new DestinationConfig { Address = instance.Url.ToString() }),
        HealthCheck = new HealthCheckConfig
        {
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = ActiveCheckInterval,
                Timeout = ActiveCheckTimeout,
                Policy = "ConsecutiveFailures",
                Path = KnownPaths.Health,
            },
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = true,
                Policy = "TransportFailureRate",
                ReactivationPeriod = PassiveReactivationPeriod,
            },
        },
        // One failed probe is enough: a killed instance should leave the rotation within one interval.
        Metadata = new Dictionary<string, string> { ["ConsecutiveFailuresHealthPolicy.Threshold"] = "1" },
    };
}

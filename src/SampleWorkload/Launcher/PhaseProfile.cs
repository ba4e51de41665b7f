using Observability.SampleWorkload.Shared;

namespace Observability.SampleWorkload.Launcher;

/// <summary>One service process to run: its role, name and simulated region.</summary>
internal sealed record InstanceSpec
{
    public required string Role { get; init; }

    /// <summary>The service.instance.id, e.g. storefront-api-2.</summary>
    public required string InstanceId { get; init; }

    public required string Region { get; init; }

    public required int RegionLatencyMilliseconds { get; init; }
}

/// <summary>A simulated region and the network distance its instances add to each request.</summary>
internal sealed record Region(string Name, int LatencyMilliseconds);

/// <summary>The processes each roadmap phase runs, after the seed's infrastructure table, capped for one machine.</summary>
internal static class PhaseProfile
{
    /// <summary>The regions of phases 6 and 7; before that everything runs in the first.</summary>
    public static readonly IReadOnlyList<Region> Regions = [new("us-east", 0), new("eu-west", 40), new("ap-south", 80)];

    /// <summary>Storefront instances the seed's infrastructure table gives each phase (phases 6 and 7: per region).</summary>
    public static int SeedStorefrontInstances(int phase) => phase switch
    {
        1 => 1,
        2 or 3 => 3,
        4 => 5,
        5 => 8,
        6 => 5 * Regions.Count,
        _ => 10 * Regions.Count,
    };

    public static bool IsMultiRegion(int phase) => phase >= 6;

    /// <summary>
    /// The instances to start: storefront-api up to <paramref name="maxInstances"/> in all (spread round robin over the
    /// regions in phases 6 and 7), and from phase 4 one each of auth, payment and reporting. None when the cap is 0.
    /// </summary>
    public static IReadOnlyList<InstanceSpec> Instances(int phase, int maxInstances)
    {
        if (maxInstances == 0)
        {
            return [];
        }
        var regions = IsMultiRegion(phase) ? Regions : Regions.Take(1).ToList();
        var specs = new List<InstanceSpec>();
        if (phase >= 4)
        {
            foreach (var role in new[] { KnownRoles.Auth, KnownRoles.Payment, KnownRoles.Reporting })
            {
                specs.Add(new InstanceSpec { Role = role, InstanceId = $"{KnownRoles.ServiceName(role)}-1", Region = regions[0].Name, RegionLatencyMilliseconds = 0 });
            }
        }
        var storefronts = Math.Min(SeedStorefrontInstances(phase), maxInstances);
        for (var i = 0; i < storefronts; i++)
        {
            var region = regions[i % regions.Count];
            specs.Add(new InstanceSpec
            {
                Role = KnownRoles.Storefront,
                InstanceId = $"{KnownRoles.ServiceName(KnownRoles.Storefront)}-{i + 1}",
                Region = region.Name,
                RegionLatencyMilliseconds = region.LatencyMilliseconds,
            });
        }
        return specs;
    }
}

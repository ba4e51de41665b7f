namespace Observability.EndToEnd.Tests.OnCall;

/// <summary>The test classes that share one Dashboard with the demo workload (starting one takes most of a minute); they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class DemoCollection : ICollectionFixture<DemoBrowserFixture>
{
    public const string Name = "Dashboard with the demo workload";
}

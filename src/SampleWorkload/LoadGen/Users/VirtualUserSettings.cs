using Observability.SampleWorkload.LoadGen.Http;

namespace Observability.SampleWorkload.LoadGen.Users;

/// <summary>What every virtual user shares: the client, the behaviour settings, and who may sign in.</summary>
internal sealed record VirtualUserSettings
{
    public required StorefrontClient Client { get; init; }

    public required TimeSpan MeanThinkTime { get; init; }

    public required IReadOnlyList<string> Regions { get; init; }

    public required int Seed { get; init; }

    public required int UserCount { get; init; }

    public required string UserPassword { get; init; }

    /// <summary>Called once, the first time a sign-in is refused with 401, to say why every user will keep failing.</summary>
    public required Action<string> SignInRefused { get; init; }
}

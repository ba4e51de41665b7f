namespace Observability.SampleWorkload.LoadGen.Options;

/// <summary>How many virtual users to run, against what, and how they behave; parsed from the command line.</summary>
internal sealed record LoadGenOptions
{
    /// <summary>The gateway the storefront API is reached through.</summary>
    public required Uri Target { get; init; }

    /// <summary>Target concurrency over time: a constant for --users, a linear ramp for --ramp.</summary>
    public required RampSchedule Users { get; init; }

    /// <summary>How long to run; null runs until Ctrl+C or SIGTERM.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Mean of the exponentially distributed pause between two steps of a virtual user.</summary>
    public required TimeSpan ThinkTime { get; init; }

    /// <summary>Regions assigned to virtual users in turn and sent as X-Region; empty sends no header.</summary>
    public required IReadOnlyList<string> Regions { get; init; }

    /// <summary>Seed of every random choice, so two runs with the same seed make the same choices.</summary>
    public required int Seed { get; init; }

    /// <summary>Seeded users user-1..user-N that virtual users sign in as.</summary>
    public required int UserCount { get; init; }

    /// <summary>Password every seeded user signs in with.</summary>
    public required string UserPassword { get; init; }

    public required TimeSpan ProgressInterval { get; init; }

    /// <summary>A request that has not completed (headers and body) within this is counted as a timeout.</summary>
    public required TimeSpan RequestTimeout { get; init; }

    /// <summary>Connections to the gateway at most; further requests wait for a free one, as behind a NAT or proxy.</summary>
    public required int MaxConnections { get; init; }
}

/// <summary>Target number of virtual users: <see cref="FromUsers"/> at the start, linearly to <see cref="ToUsers"/> over <see cref="Over"/>, then held.</summary>
internal sealed record RampSchedule(int FromUsers, int ToUsers, TimeSpan Over)
{
    public static RampSchedule Constant(int users) => new(users, users, TimeSpan.Zero);

    public int UsersAt(TimeSpan elapsed)
    {
        if (Over <= TimeSpan.Zero || elapsed >= Over)
        {
            return ToUsers;
        }
        var fraction = Math.Max(0, elapsed / Over);
        return FromUsers + (int)Math.Round((ToUsers - FromUsers) * fraction, MidpointRounding.AwayFromZero);
    }
}

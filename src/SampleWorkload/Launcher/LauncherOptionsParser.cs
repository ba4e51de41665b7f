using System.Globalization;

namespace Observability.SampleWorkload.Launcher;

/// <summary>
/// Reads the launcher's command line. A handful of options does not justify a parsing library; every error is one
/// line naming the option and the values it accepts.
/// </summary>
internal static class LauncherOptionsParser
{
    public const string Usage = """
        Usage: Observability.SampleWorkload [run] [options]
          --phase 1..7            roadmap phase to run (default 2)
          --users N               concurrent virtual users, 0 for no load (default 1000)
          --ramp FROM:TO/OVER     ramp the load, e.g. 1000:10000/10m (passed to the load generator)
          --gateway-url URL       where the gateway listens (default http://localhost:5080)
          --max-instances N       cap on storefront-api instances, 0 for servers and gateway only (default 3)
          --quick-wins            phase 1's quick wins (always on from phase 2)
          --data DIR              folder for the servers' files (default ./data/workload)
          --primary CS            use this PostgreSQL (Npgsql connection string) instead of starting one
          --replica CS            use this read replica (phase 3 and later; needs --primary)
          --redis CS              use this Redis (StackExchange.Redis configuration) instead of starting one
          --otlp-endpoint URL     OTLP endpoint (default $OTEL_EXPORTER_OTLP_ENDPOINT, else http://localhost:4317)
          --verbose               copy all service output to the console, not only errors
        """;

    private static readonly HashSet<string> Flags = ["--quick-wins", "--verbose"];

    private static readonly HashSet<string> Valued =
    [
        "--phase", "--users", "--ramp", "--gateway-url", "--max-instances", "--data", "--primary", "--replica", "--redis", "--otlp-endpoint",
    ];

    /// <summary>The options, or the one-line error to print (exit code 2). "--help" answers the usage as the error.</summary>
    public static (LauncherOptions? Options, string? Error) Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? arg[..equals] : arg;
            if (name is "--help" or "-h")
            {
                return (null, Usage);
            }
            if (Flags.Contains(name))
            {
                flags.Add(name);
            }
            else if (Valued.Contains(name))
            {
                if (equals > 0)
                {
                    values[name] = arg[(equals + 1)..];
                }
                else if (i + 1 < args.Count)
                {
                    values[name] = args[++i];
                }
                else
                {
                    return Fail($"{name} needs a value; see --help");
                }
            }
            else
            {
                return Fail($"unknown option '{arg}'; accepted: {string.Join(", ", Valued.Concat(Flags).Order())}, --help");
            }
        }

        var phase = 2;
        if (values.TryGetValue("--phase", out var phaseText) && !TryInt(phaseText, 1, 7, out phase))
        {
            return Fail($"--phase must be a whole number from 1 to 7, got '{phaseText}'");
        }
        var users = 1000;
        if (values.TryGetValue("--users", out var usersText) && !TryInt(usersText, 0, 1_000_000, out users))
        {
            return Fail($"--users must be a whole number from 0 (no load) to 1000000, got '{usersText}'");
        }
        var ramp = values.GetValueOrDefault("--ramp");
        if (ramp is not null && (ramp.Split(':', '/') is not [var from, var to, { Length: > 0 }] || !TryInt(from, 0, 1_000_000, out _) || !TryInt(to, 0, 1_000_000, out _)))
        {
            return Fail($"--ramp must be FROM:TO/OVER with whole numbers of users and a duration, such as 1000:10000/10m, got '{ramp}'");
        }
        var gatewayText = values.GetValueOrDefault("--gateway-url", "http://localhost:5080");
        if (!Uri.TryCreate(gatewayText, UriKind.Absolute, out var gatewayUrl) || gatewayUrl.Scheme != Uri.UriSchemeHttp
            || gatewayUrl.AbsolutePath != "/")
        {
            return Fail($"--gateway-url must be an http:// URL with no path, such as http://localhost:5080, got '{gatewayText}'");
        }
        var maxInstances = 3;
        if (values.TryGetValue("--max-instances", out var maxText) && !TryInt(maxText, 0, 64, out maxInstances))
        {
            return Fail($"--max-instances must be a whole number from 0 (no services) to 64, got '{maxText}'");
        }
        var data = values.GetValueOrDefault("--data", Path.Combine(".", "data", "workload"));
        if (data.Length == 0)
        {
            return Fail("--data must name a folder, got ''");
        }
        var primary = values.GetValueOrDefault("--primary");
        var replica = values.GetValueOrDefault("--replica");
        if (replica is not null && primary is null)
        {
            return Fail("--replica needs --primary: the launcher's own primary always comes with its own replica");
        }
        if (primary is not null && replica is null && phase >= 3)
        {
            return Fail($"--primary in phase {phase} needs --replica too (a read replica is part of phase 3 and later), or use --phase 1 or 2");
        }
        foreach (var (option, text) in new[] { ("--primary", primary), ("--replica", replica) })
        {
            if (text is not null && !IsNpgsqlConnectionString(text))
            {
                return Fail($"{option} must be an Npgsql connection string such as 'Host=127.0.0.1;Port=5432;Database=store;Username=store;Password=...', got an unreadable one");
            }
        }
        var redis = values.GetValueOrDefault("--redis");
        if (redis is { Length: 0 })
        {
            return Fail("--redis must be a StackExchange.Redis configuration such as '127.0.0.1:6379,password=...', got ''");
        }
        var otlp = values.GetValueOrDefault("--otlp-endpoint") ?? (environment("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } fromEnvironment ? fromEnvironment : "http://localhost:4317");
        if (!Uri.TryCreate(otlp, UriKind.Absolute, out var otlpUri) || otlpUri.Scheme is not ("http" or "https"))
        {
            return Fail($"--otlp-endpoint must be an http:// or https:// URL such as http://localhost:4317, got '{otlp}'");
        }

        return (new LauncherOptions
        {
            Phase = phase,
            Users = users,
            Ramp = ramp,
            GatewayUrl = gatewayUrl,
            MaxInstances = maxInstances,
            QuickWins = phase >= 2 || flags.Contains("--quick-wins"),
            DataFolder = Path.GetFullPath(data),
            PrimaryConnectionString = primary,
            ReplicaConnectionString = replica,
            RedisConnectionString = redis,
            OtlpEndpoint = otlp,
            Verbose = flags.Contains("--verbose"),
        }, null);
    }

    private static (LauncherOptions?, string?) Fail(string error) => (null, error);

    private static bool TryInt(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static bool IsNpgsqlConnectionString(string text)
    {
        try
        {
            return new Npgsql.NpgsqlConnectionStringBuilder(text).Host is { Length: > 0 };
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

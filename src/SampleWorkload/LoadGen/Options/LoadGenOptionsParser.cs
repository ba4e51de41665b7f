using System.Globalization;

namespace Observability.SampleWorkload.LoadGen.Options;

/// <summary>The outcome of reading the command line: options to run with, a one-line error naming the option, or a request for help.</summary>
internal sealed record LoadGenArguments(LoadGenOptions? Options, string? Error, bool HelpRequested);

/// <summary>Reads the loadgen role's command line. Every bad option gets one line naming it and what it accepts.</summary>
internal static class LoadGenOptionsParser
{
    /// <summary>Environment variable accepted instead of --user-password, so the password stays off the process list.</summary>
    public const string UserPasswordVariable = "WORKLOAD_USER_PASSWORD";

    public const string Usage = """
        Usage: Observability.SampleWorkload loadgen [options]

          --target URL              gateway of the storefront API (default http://localhost:5080)
          --users N                 virtual users to hold (default 100)
          --ramp FROM:TO/OVER       ramp the users linearly, e.g. 1000:10000/10m, then hold TO
          --duration D              stop after D (e.g. 5m); default: run until Ctrl+C or SIGTERM
          --think-time D            mean pause between a user's steps, exponentially distributed (default 3s)
          --regions A,B,...         assign users to these regions in turn, sent as header X-Region
          --seed N                  seed of every random choice (default: random)
          --user-count N            seeded users user-1..user-N to sign in as (default 100000)
          --user-password P         their password (or environment variable WORKLOAD_USER_PASSWORD)
          --progress-interval D     progress line every D on stdout (default 2s)
          --timeout D               a request not done within D counts as a timeout (default 10s)
          --max-connections N       connections to the gateway at most (default 1024)

        Durations: 250ms, 30s, 10m, 1h, 1m30s; a bare number is seconds.
        """;

    private static readonly string[] s_known =
    [
        "--target", "--users", "--ramp", "--duration", "--think-time", "--regions", "--seed", "--user-count",
        "--user-password", "--progress-interval", "--timeout", "--max-connections",
    ];

    public static LoadGenArguments Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h")
            {
                return new LoadGenArguments(null, null, HelpRequested: true);
            }
            var equals = arg.IndexOf('=');
            var name = equals > 0 ? arg[..equals] : arg;
            if (!s_known.Contains(name))
            {
                return Fail(arg.StartsWith("--", StringComparison.Ordinal)
                    ? $"unknown option {name}; accepted: {string.Join(", ", s_known)} (--help for details)"
                    : $"unexpected argument '{arg}'; options start with -- (--help for details)");
            }
            string value;
            if (equals > 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                return Fail($"{name} needs a value");
            }
            values[name] = value;
        }

        var target = new Uri("http://localhost:5080/");
        if (values.TryGetValue("--target", out var targetText))
        {
            if (!Uri.TryCreate(targetText, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
            {
                return Fail($"--target must be an absolute http:// or https:// URL such as http://localhost:5080, got '{targetText}'");
            }
            target = parsed;
        }

        RampSchedule users = RampSchedule.Constant(100);
        int? constantUsers = null;
        if (values.TryGetValue("--users", out var usersText))
        {
            if (!TryPositiveInt(usersText, out var count))
            {
                return Fail($"--users must be a whole number of at least 1, got '{usersText}'");
            }
            constantUsers = count;
            users = RampSchedule.Constant(count);
        }
        if (values.TryGetValue("--ramp", out var rampText))
        {
            if (!TryParseRamp(rampText, out var ramp))
            {
                return Fail($"--ramp must be FROM:TO/OVER with whole numbers of users and a duration, such as 1000:10000/10m, got '{rampText}'");
            }
            if (constantUsers is { } held && held != ramp.ToUsers)
            {
                return Fail($"--users {held} disagrees with --ramp, which ends at {ramp.ToUsers} users; give one or make them agree");
            }
            users = ramp;
        }

        TimeSpan? duration = null;
        if (values.TryGetValue("--duration", out var durationText))
        {
            if (!DurationText.TryParse(durationText, out var parsed) || parsed <= TimeSpan.Zero)
            {
                return Fail($"--duration must be a positive duration such as 90s, 5m or 1h, got '{durationText}'");
            }
            duration = parsed;
        }

        var thinkTime = TimeSpan.FromSeconds(3);
        if (values.TryGetValue("--think-time", out var thinkText) && !DurationText.TryParse(thinkText, out thinkTime))
        {
            return Fail($"--think-time must be a duration of 0 or more such as 3s or 500ms, got '{thinkText}'");
        }

        IReadOnlyList<string> regions = [];
        if (values.TryGetValue("--regions", out var regionsText))
        {
            var names = regionsText.Split(',', StringSplitOptions.TrimEntries);
            if (names.Any(name => name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            {
                return Fail($"--regions must be a comma-separated list of region names (letters, digits, '-', '_', '.') such as us-east,eu-west, got '{regionsText}'");
            }
            regions = names;
        }

        var seed = Random.Shared.Next();
        if (values.TryGetValue("--seed", out var seedText) && !int.TryParse(seedText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seed))
        {
            return Fail($"--seed must be a whole number, got '{seedText}'");
        }

        var userCount = 100_000;
        if (values.TryGetValue("--user-count", out var userCountText) && !TryPositiveInt(userCountText, out userCount))
        {
            return Fail($"--user-count must be a whole number of at least 1, got '{userCountText}'");
        }

        var password = values.GetValueOrDefault("--user-password") ?? environment(UserPasswordVariable);
        if (string.IsNullOrEmpty(password))
        {
            return Fail($"--user-password is required (or set {UserPasswordVariable}): the per-run password of the seeded users");
        }

        var progressInterval = TimeSpan.FromSeconds(2);
        if (values.TryGetValue("--progress-interval", out var progressText)
            && (!DurationText.TryParse(progressText, out progressInterval) || progressInterval < TimeSpan.FromMilliseconds(100)))
        {
            return Fail($"--progress-interval must be a duration of at least 100ms such as 2s, got '{progressText}'");
        }

        var timeout = TimeSpan.FromSeconds(10);
        if (values.TryGetValue("--timeout", out var timeoutText)
            && (!DurationText.TryParse(timeoutText, out timeout) || timeout < TimeSpan.FromMilliseconds(1)))
        {
            return Fail($"--timeout must be a positive duration such as 10s, got '{timeoutText}'");
        }

        var maxConnections = 1024;
        if (values.TryGetValue("--max-connections", out var connectionsText) && !TryPositiveInt(connectionsText, out maxConnections))
        {
            return Fail($"--max-connections must be a whole number of at least 1, got '{connectionsText}'");
        }

        return new LoadGenArguments(new LoadGenOptions
        {
            Target = target,
            Users = users,
            Duration = duration,
            ThinkTime = thinkTime,
            Regions = regions,
            Seed = seed,
            UserCount = userCount,
            UserPassword = password,
            ProgressInterval = progressInterval,
            RequestTimeout = timeout,
            MaxConnections = maxConnections,
        }, null, HelpRequested: false);
    }

    private static LoadGenArguments Fail(string error) => new(null, error, HelpRequested: false);

    private static bool TryPositiveInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1;

    private static bool TryParseRamp(string text, out RampSchedule ramp)
    {
        ramp = RampSchedule.Constant(1);
        var slash = text.IndexOf('/');
        var colon = text.IndexOf(':');
        if (colon <= 0 || slash <= colon + 1
            || !int.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var from)
            || !int.TryParse(text.AsSpan(colon + 1, slash - colon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var to)
            || !DurationText.TryParse(text[(slash + 1)..], out var over)
            || to < 1)
        {
            return false;
        }
        ramp = new RampSchedule(from, to, over);
        return true;
    }
}

using System.Globalization;

namespace Observability.Dashboard.Administration.LoadTests;

/// <summary>
/// One load test to run: <see cref="FromUsers"/> virtual users at the start, linearly to <see cref="ToUsers"/> over
/// <see cref="RampSeconds"/> (0: no ramp), held until <see cref="DurationSeconds"/>, against <see cref="Gateway"/>.
/// </summary>
public sealed record LoadTestPlan(Uri Gateway, int FromUsers, int ToUsers, int RampSeconds, int DurationSeconds, string UserPassword, string StartedBy)
{
    /// <summary>More would swamp this machine before it tells anything about the system under test.</summary>
    public const int MaxUsers = 20_000;

    public const int MinDurationSeconds = 10;
    public const int MaxDurationSeconds = 4 * 3600;

    public TimeSpan Duration => TimeSpan.FromSeconds(DurationSeconds);

    /// <summary>The load generator's command line after "loadgen" (the password goes in its environment, off the process list).</summary>
    public IReadOnlyList<string> Arguments()
    {
        List<string> arguments = ["--target", Gateway.ToString().TrimEnd('/')];
        if (RampSeconds > 0)
        {
            arguments.AddRange(["--ramp", string.Create(CultureInfo.InvariantCulture, $"{FromUsers}:{ToUsers}/{RampSeconds}s")]);
        }
        else
        {
            arguments.AddRange(["--users", ToUsers.ToString(CultureInfo.InvariantCulture)]);
        }
        arguments.AddRange(["--duration", string.Create(CultureInfo.InvariantCulture, $"{DurationSeconds}s"), "--progress-interval", "1s"]);
        return arguments;
    }

    /// <summary>"300 users for 60 s" or "100 to 300 users over 30 s, for 60 s".</summary>
    public string Describe() => RampSeconds > 0
        ? $"{FromUsers} to {ToUsers} users over {RampSeconds} s, for {DurationSeconds} s against {Gateway}"
        : $"{ToUsers} users for {DurationSeconds} s against {Gateway}";
}

/// <summary>The Load test form's fields as typed; <see cref="TryCreatePlan"/> checks them, naming the field that is wrong.</summary>
public sealed class LoadTestForm
{
    public string GatewayUrl { get; set; } = "";

    public int Users { get; set; } = 100;

    public bool Ramp { get; set; }

    public int RampFromUsers { get; set; } = 10;

    public int RampSeconds { get; set; } = 30;

    public int DurationSeconds { get; set; } = 60;

    public string UserPassword { get; set; } = "";

    public bool TryCreatePlan(string startedBy, out LoadTestPlan? plan, out string? error)
    {
        plan = null;
        error = Check();
        if (error is not null)
        {
            return false;
        }
        plan = new LoadTestPlan(new Uri(GatewayUrl.Trim()), Ramp ? RampFromUsers : Users, Users, Ramp ? RampSeconds : 0, DurationSeconds, UserPassword, startedBy);
        return true;
    }

    private string? Check()
    {
        if (!Uri.TryCreate(GatewayUrl.Trim(), UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
        {
            return $"Gateway URL must be an absolute http or https URL such as http://127.0.0.1:5080, not '{GatewayUrl}'.";
        }
        if (Users is < 1 or > LoadTestPlan.MaxUsers)
        {
            return $"Users must be from 1 to {LoadTestPlan.MaxUsers}, not {Users}.";
        }
        if (DurationSeconds is < LoadTestPlan.MinDurationSeconds or > LoadTestPlan.MaxDurationSeconds)
        {
            return $"Duration must be from {LoadTestPlan.MinDurationSeconds} to {LoadTestPlan.MaxDurationSeconds} seconds, not {DurationSeconds}.";
        }
        if (Ramp && (RampFromUsers < 0 || RampFromUsers >= Users))
        {
            return $"Ramp from must be from 0 to {Users - 1} users (below Users), not {RampFromUsers}.";
        }
        if (Ramp && (RampSeconds < 1 || RampSeconds > DurationSeconds))
        {
            return $"Ramp over must be from 1 to {DurationSeconds} seconds (the duration), not {RampSeconds}.";
        }
        if (string.IsNullOrEmpty(UserPassword))
        {
            return "Seeded users' password is required: the sample workload's launcher prints it (\"users user-1 .. user-100000, password ...\").";
        }
        return null;
    }
}

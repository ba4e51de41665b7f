namespace Observability.Core.Security;

/// <summary>
/// Who may do what, for the API's tokens and the dashboard's users alike: executives read; on-call staff also
/// acknowledge, silence and resolve; SREs also edit rules, baselines and evidence; admins also manage users and webhooks.
/// </summary>
public static class KnownRoles
{
    public const string Admin = "Admin";
    public const string Sre = "SRE";
    public const string OnCall = "OnCall";
    public const string Executive = "Executive";

    public static readonly IReadOnlyList<string> All = [Admin, Sre, OnCall, Executive];

    /// <summary>The accepted spelling of a role name given in any case, or null.</summary>
    public static string? Normalize(string? role) => All.FirstOrDefault(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Authorization policies by what a request does, each listing the roles allowed to.</summary>
public static class KnownPolicies
{
    /// <summary>Acknowledge alerts, create and expire silences, record incident steps.</summary>
    public const string Respond = "respond";

    /// <summary>Record baselines and load-test evidence, edit rules.</summary>
    public const string Operate = "operate";

    /// <summary>Users, webhooks, the Hangfire dashboard.</summary>
    public const string Administer = "administer";

    /// <summary>Read services, traces, metrics, alerts and incidents in the dashboard: the people who investigate, not executives.</summary>
    public const string Investigate = "investigate";

    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Roles = new Dictionary<string, IReadOnlyList<string>>
    {
        [Respond] = [KnownRoles.OnCall, KnownRoles.Sre, KnownRoles.Admin],
        [Operate] = [KnownRoles.Sre, KnownRoles.Admin],
        [Administer] = [KnownRoles.Admin],
        [Investigate] = [KnownRoles.OnCall, KnownRoles.Sre, KnownRoles.Admin],
    };
}

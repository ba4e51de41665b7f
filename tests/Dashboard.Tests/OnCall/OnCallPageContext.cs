using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Observability.Core.Security;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.OnCall;

namespace Observability.Dashboard.Tests.OnCall;

/// <summary>A bUnit context for the on-call pages: fixed data, a fake clock, and a signed-in user of a chosen role.</summary>
public abstract class OnCallPageContext : MudTestContext
{
    internal const string OnCallUser = "oncall-ann";

    protected OnCallPageContext()
    {
        Context.Services.AddLogging();
        Context.Services.AddSingleton<TimeProvider>(Time);
        Context.Services.AddSingleton(Options.Create(new DashboardOptions()));
        Context.Services.AddSingleton<IOnCallSource>(Source);
    }

    internal FakeTimeProvider Time { get; } = new(OnCallData.Now);

    internal FakeOnCallSource Source { get; } = new();

    /// <summary>Signs in a user of the role, with the policies the role satisfies (as KnownPolicies lists them).</summary>
    protected void SignInAs(string name, string role)
    {
        var authorization = Context.AddAuthorization();
        authorization.SetAuthorized(name);
        authorization.SetRoles(role);
        authorization.SetPolicies([.. KnownPolicies.Roles.Where(p => p.Value.Contains(role)).Select(p => p.Key)]);
    }
}

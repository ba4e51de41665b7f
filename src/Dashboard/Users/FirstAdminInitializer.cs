using Microsoft.Extensions.Options;
using Observability.Core.Security;
using Observability.Dashboard.Hosting;

namespace Observability.Dashboard.Users;

/// <summary>
/// Creates the user "admin" on first start, with Dashboard:AdminPassword or a generated password that is printed once
/// to the console (never to the log), since there is no default password.
/// </summary>
internal sealed class FirstAdminInitializer(UserAccounts accounts, IOptions<DashboardOptions> options, StartupMessages messages) : IHostedService
{
    public const string AdminName = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await accounts.Store.FindAsync(AdminName, cancellationToken) is not null)
        {
            return;
        }
        var configured = options.Value.AdminPassword;
        var password = string.IsNullOrEmpty(configured) ? UserAccounts.GeneratePassword() : configured;
        try
        {
            await accounts.CreateAsync(AdminName, password, KnownRoles.Admin, cancellationToken);
        }
        catch (ArgumentException error) when (error.ParamName == "password")
        {
            throw new Collector.Hosting.ConfigurationException($"Dashboard:AdminPassword is too short: {error.Message.Split(" (")[0]}");
        }
        messages.FirstSignIn = string.IsNullOrEmpty(configured)
            ? $"First sign-in: user {AdminName}, password {password}  (shown this once; keep it)"
            : $"First sign-in: user {AdminName}, with the password set in Dashboard:AdminPassword";
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>What the host prints once it listens: the URL and, on first start, the sign-in.</summary>
public sealed class StartupMessages
{
    public required string Urls { get; init; }

    public string? FirstSignIn { get; set; }
}

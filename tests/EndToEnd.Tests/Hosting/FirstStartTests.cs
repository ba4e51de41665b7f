using Microsoft.Extensions.DependencyInjection;
using Observability.Collector.Hosting;
using Observability.Dashboard.Users;
using Observability.EndToEnd.Tests.Infrastructure;

namespace Observability.EndToEnd.Tests.Hosting;

/// <summary>No default password: the first admin's is configured or generated and shown once, and a bad one stops the start.</summary>
public sealed class FirstStartTests
{
    [Fact]
    public async Task Without_a_configured_password_one_is_generated_works_and_is_shown_on_the_first_start_only()
    {
        var dataFolder = DashboardServer.NewDataFolder();
        try
        {
            var first = await DashboardServer.StartAsync(adminPassword: "", dataFolder: dataFolder);
            var message = first.Services.GetRequiredService<StartupMessages>().FirstSignIn;
            var password = message?.Split("password ")[1].Split(' ')[0];
            var accounts = first.Services.GetRequiredService<UserAccounts>();
            Assert.NotNull(await accounts.SignInAsync("admin", password!, "Cookies", CancellationToken.None));
            Assert.True(password!.Length >= UserAccounts.MinimumPasswordLength, message);
            await first.StopAsync();

            var second = await DashboardServer.StartAsync(adminPassword: "", dataFolder: dataFolder);
            Assert.Null(second.Services.GetRequiredService<StartupMessages>().FirstSignIn);
            Assert.NotNull(await second.Services.GetRequiredService<UserAccounts>().SignInAsync("admin", password, "Cookies", CancellationToken.None));
            await second.StopAsync();
        }
        finally
        {
            DashboardServer.DeleteDataFolder(dataFolder);
        }
    }

    [Fact]
    public async Task A_configured_admin_password_that_is_too_short_stops_the_start_naming_the_setting()
    {
        var dataFolder = DashboardServer.NewDataFolder();
        try
        {
            var error = await Assert.ThrowsAsync<ConfigurationException>(() => DashboardServer.StartAsync(adminPassword: "short", dataFolder: dataFolder));

            Assert.Equal($"Dashboard:AdminPassword is too short: password must be at least {UserAccounts.MinimumPasswordLength} characters", error.Message);
        }
        finally
        {
            DashboardServer.DeleteDataFolder(dataFolder);
        }
    }
}

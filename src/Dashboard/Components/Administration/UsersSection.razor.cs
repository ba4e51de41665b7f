using Microsoft.AspNetCore.Components;
using Observability.Core.Security;
using Observability.Core.Users;
using Observability.Dashboard.Users;

namespace Observability.Dashboard.Components.Administration;

/// <summary>Admins list, create, re-role, disable and enable users and reset their passwords; every action is checked against the Administer policy again.</summary>
public sealed partial class UsersSection
{
    [Inject]
    public required UserAccounts Accounts { get; set; }

    private IReadOnlyList<UserRecord>? Users { get; set; }

    private string NewName { get; set; } = "";

    private string NewRole { get; set; } = KnownRoles.OnCall;

    private string NewPassword { get; set; } = "";

    private string? ResetFor { get; set; }

    private string ResetPassword { get; set; } = "";

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private async Task LoadAsync()
    {
        try
        {
            Users = await Accounts.Store.GetAllAsync(CancellationToken.None);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            Fail($"The users could not be read: {error.Message}");
        }
    }

    private Task CreateAsync() => ActAsync(async by =>
    {
        var user = await Accounts.CreateAsync(NewName.Trim(), NewPassword, NewRole, CancellationToken.None);
        NewName = "";
        NewPassword = "";
        return $"Created {user.Name} ({user.Role}); they can sign in now.";
    });

    private Task ChangeRoleAsync(UserRecord user, string? role) => ActAsync(async by =>
    {
        var changed = await Accounts.ChangeRoleAsync(user.Name, role ?? "", CancellationToken.None);
        return $"{changed.Name} is now {changed.Role} (from their next request).";
    });

    private Task ToggleAsync(UserRecord user) => ActAsync(async by =>
    {
        var changed = await Accounts.SetDisabledAsync(user.Name, !user.IsDisabled, CancellationToken.None);
        return changed.IsDisabled ? $"Disabled {changed.Name}: they can no longer sign in." : $"Enabled {changed.Name}: they can sign in again.";
    });

    private void BeginReset(UserRecord user)
    {
        ResetFor = user.Name;
        ResetPassword = "";
    }

    private Task ResetAsync() => ActAsync(async by =>
    {
        var name = ResetFor!;
        await Accounts.ResetPasswordAsync(name, ResetPassword, CancellationToken.None);
        ResetFor = null;
        ResetPassword = "";
        return $"Set a new password for {name}.";
    });

    /// <summary>Checks the policy, runs the action, then re-reads the list; a refusal's message names the field or the rule.</summary>
    private async Task ActAsync(Func<string, Task<string>> action)
    {
        try
        {
            var by = await RequireAsync(KnownPolicies.Administer);
            Succeed(await action(by));
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            Fail(Sentence(error));
        }
        await LoadAsync();
    }
}

namespace Observability.Dashboard.Components.Pages;

/// <summary>Settings by role: admins manage users and webhooks; SREs and admins edit the alert rules and read the cost model.</summary>
public sealed partial class Settings
{
    /// <summary>Set once the circuit runs the page (never in the prerendered HTML), so a browser test knows its clicks are handled.</summary>
    private bool Interactive { get; set; }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            Interactive = true;
            StateHasChanged();
        }
    }
}

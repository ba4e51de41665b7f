namespace Observability.Dashboard.Components.Pages;

/// <summary>Settings by role: admins manage users and webhooks; SREs and admins edit the alert rules and read the cost model.</summary>
public sealed partial class Settings;

using Microsoft.AspNetCore.Components;
using Observability.Core.Security;
using Observability.Dashboard.Administration.Rules;

namespace Observability.Dashboard.Components.Administration;

/// <summary>SREs and admins read, validate (line and column of the first problem) and save the alerts file; saving puts it in force.</summary>
public sealed partial class RulesSection
{
    /// <summary>What an empty file is started with: one example rule in the accepted format.</summary>
    public const string Example = """
        # Alert rules and SLOs (docs/alerting-rules.md). The roadmap's default rules for the phase apply beside these.
        rules:
          - name: GatewayErrors
            red: { service: gateway, signal: error_ratio }
            comparator: ">"
            threshold: 0.02
            window: 1m
            for: 2m
            labels: { severity: page }
            annotations: { summary: "gateway error ratio above 2% for 2 minutes" }
        slos: []
        """;

    [Inject]
    public required AlertRulesEditor Editor { get; set; }

    private AlertRulesDocument? Document { get; set; }

    private string Text { get; set; } = "";

    private AlertRulesCheck? Check { get; set; }

    private string? Error { get; set; }

    private string SourceText => Document switch
    {
        null => "",
        { Configured: true } => $"File: {Document.Path} (Alerting:RulesPath).",
        { Exists: true } => $"No rules file is configured (Alerting:RulesPath); editing {Document.Path} in the data folder, in force once saved here. Set Alerting:RulesPath to it so a restart loads it.",
        _ => $"No rules file is configured (Alerting:RulesPath is empty), so only the roadmap's default rules apply. Saving here creates {Document.Path} in the data folder and puts it in force; set Alerting:RulesPath to it so a restart loads it.",
    };

    protected override async Task OnInitializedAsync()
    {
        try
        {
            Document = await Editor.ReadAsync(CancellationToken.None);
            Text = Document.Exists ? Document.Text : Example;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            Error = $"The rules file could not be read: {error.Message}";
        }
    }

    private void Validate()
    {
        Error = null;
        Check = Editor.Validate(Text);
    }

    private async Task SaveAsync()
    {
        Error = null;
        try
        {
            var by = await RequireAsync(KnownPolicies.Operate);
            Check = await Editor.SaveAsync(Text, by, CancellationToken.None);
            if (Check.IsValid)
            {
                Document = await Editor.ReadAsync(CancellationToken.None);
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            Check = null;
            Error = $"Not saved: {error.Message}";
        }
    }
}

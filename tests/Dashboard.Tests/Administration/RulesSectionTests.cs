using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Observability.Collector.Alerting;
using Observability.Core.Security;
using Observability.Dashboard.Components.Administration;

namespace Observability.Dashboard.Tests.Administration;

public sealed class RulesSectionTests : AdministrationContext
{
    private IRenderedComponent<RulesSection> Render()
    {
        SignInAs("sam", KnownRoles.Sre);
        return Context.Render<RulesSection>();
    }

    private string DataFolderFile => Path.Combine(Folder, "alerts.yaml");

    [Fact]
    public void Without_a_rules_file_it_says_where_to_configure_one_and_offers_a_valid_example()
    {
        var section = Render();

        Assert.StartsWith("No rules file is configured (Alerting:RulesPath is empty)", section.Find("[data-testid=rules-source]").TextContent.Trim());
        Assert.Contains(DataFolderFile, section.Find("[data-testid=rules-source]").TextContent);
        Assert.Equal(RulesSection.Example, section.Find("[data-testid=rules-text]").GetAttribute("value"));

        section.Find("[data-testid=rules-validate]").Click();

        Assert.StartsWith("Valid: 1 rules and 0 SLOs in the file;", section.Find("[data-testid=rules-check]").TextContent.Trim());
    }

    [Fact]
    public void A_mistake_is_shown_with_its_line_and_column()
    {
        var section = Render();

        // The offered example with one mistake on its line 8: "for: 5 minutes".
        section.Find("[data-testid=rules-text]").Input(RulesSection.Example.Replace("for: 2m", "for: 5 minutes"));
        section.Find("[data-testid=rules-validate]").Click();

        var check = section.Find("[data-testid=rules-check]").TextContent.Trim();
        Assert.StartsWith("line 8, column 10: bad duration '5 minutes' for 'for'", check);
        Assert.False(File.Exists(DataFolderFile));
    }

    [Fact]
    public async Task Saving_writes_the_file_and_puts_its_rules_in_force()
    {
        var section = Render();
        var ruleSet = Context.Services.GetRequiredService<AlertRuleSet>();
        var before = ruleSet.Rules.Count;

        await section.Find("[data-testid=rules-save]").ClickAsync(new());

        Assert.Equal(RulesSection.Example, await File.ReadAllTextAsync(DataFolderFile));
        Assert.Contains(ruleSet.Rules, rule => rule.Name == "GatewayErrors");
        Assert.Equal(before + 1, ruleSet.Rules.Count);
        Assert.Equal(DataFolderFile, ruleSet.SourcePath);
        Assert.Equal($"Saved to {DataFolderFile}; {before + 1} rules in force from the next evaluation. Set Alerting:RulesPath to {DataFolderFile} so a restart loads it too.",
            section.Find("[data-testid=rules-check]").TextContent.Trim());
        Assert.Empty(Directory.GetFiles(Folder, "*.tmp"));
    }

    [Fact]
    public async Task A_file_with_a_mistake_is_not_saved_and_the_rules_in_force_stay()
    {
        var section = Render();
        var ruleSet = Context.Services.GetRequiredService<AlertRuleSet>();
        var rules = ruleSet.Rules;

        section.Find("[data-testid=rules-text]").Input("rules:\n  - name: Bad\n    kpi: nonsense\n");
        await section.Find("[data-testid=rules-save]").ClickAsync(new());

        Assert.StartsWith("line ", section.Find("[data-testid=rules-check]").TextContent.Trim());
        Assert.False(File.Exists(DataFolderFile));
        Assert.Same(rules, ruleSet.Rules);
    }

    [Fact]
    public async Task An_executive_cannot_save_even_when_the_section_is_rendered()
    {
        SignInAs("erin", KnownRoles.Executive);
        var section = Context.Render<RulesSection>();

        await section.Find("[data-testid=rules-save]").ClickAsync(new());

        Assert.Equal("Not saved: This needs the SRE or Admin role; 'erin' has the role Executive.", section.Find("[data-testid=rules-error]").TextContent.Trim());
        Assert.False(File.Exists(DataFolderFile));
    }
}

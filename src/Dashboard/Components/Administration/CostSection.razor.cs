using System.Globalization;
using Microsoft.AspNetCore.Components;
using Observability.Core.Kpis;
using Observability.Core.Security;
using Observability.Dashboard.Administration.Cost;

namespace Observability.Dashboard.Components.Administration;

/// <summary>The cost in force and where it comes from; admins set the monthly figure or go back to the configured one, and see the changes made here.</summary>
public sealed partial class CostSection
{
    private const int HistoryShown = 5;

    [Inject]
    public required CostModel Cost { get; set; }

    [Inject]
    public required CostSettings Settings { get; set; }

    private string Typed { get; set; } = "";

    private IReadOnlyList<CostSetting>? History { get; set; }

    private string ConfiguredText => Cost.Configured() is { } configured
        ? $"Configured: {Usd(configured.MonthlyUsd)} USD a month, from {configured.Source}."
        : "Nothing is configured: Cost:MonthlyUsd is not set and the roadmap has no infrastructure cost for Cost:Phase.";

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private async Task LoadAsync()
    {
        try
        {
            History = await Settings.HistoryAsync(HistoryShown, CancellationToken.None);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            Fail($"The cost settings could not be read: {error.Message}");
        }
    }

    private async Task SaveAsync()
    {
        try
        {
            var by = await RequireAsync(KnownPolicies.Administer);
            var set = await Settings.SetAsync(Typed, by, CancellationToken.None);
            Typed = "";
            Succeed($"The monthly cost is now {Usd(set.MonthlyUsd!.Value)} USD; the cost KPIs use it from their next tick.");
        }
        catch (Exception error) when (error is ArgumentException or UnauthorizedAccessException)
        {
            Fail(Sentence(error));
        }
        await LoadAsync();
    }

    private async Task UseConfiguredAsync()
    {
        try
        {
            var by = await RequireAsync(KnownPolicies.Administer);
            await Settings.UseConfiguredAsync(by, CancellationToken.None);
            Succeed(Cost.Monthly() is { } monthly
                ? $"Back to the configured cost: {Usd(monthly.MonthlyUsd)} USD a month, from {monthly.Source}."
                : "Back to the configured cost, and none is configured: the cost KPIs have no data.");
        }
        catch (UnauthorizedAccessException error)
        {
            Fail(error.Message);
        }
        await LoadAsync();
    }

    private static string ChangeText(CostSetting change) =>
        $"{(change.MonthlyUsd is { } monthly ? $"{Usd(monthly)} USD a month" : "back to the configured cost")}, by {change.SetBy} at {change.SetAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC";

    private static string Usd(decimal amount) => amount.ToString("#,##0.##", CultureInfo.InvariantCulture);
}

using Observability.Dashboard.Components.Shared;
using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Observability.Core.Roadmap;
using Observability.Core.Security;
using Observability.Dashboard.Administration.LoadTests;
using Observability.Dashboard.Components.Administration;

namespace Observability.Dashboard.Components.Pages;

/// <summary>
/// SREs and admins start load against the sample workload's gateway (users, optional ramp, duration), watch its progress,
/// stop it, and attach a finished run to a roadmap phase as evidence. The status is re-read on a timer while the page is open.
/// </summary>
public sealed partial class LoadTest : IAsyncDisposable
{
    private readonly PageRefresher _timer = new();

    [Inject]
    public required ILoadTestRunner Runner { get; set; }

    [Inject]
    public required IOptions<LoadTestOptions> Options { get; set; }

    [Inject]
    public required RoadmapDefinition Roadmap { get; set; }

    [Inject]
    public required TimeProvider Time { get; set; }

    private LoadTestForm Form { get; } = new();

    private LoadTestStatus? Status { get; set; }

    private int AttachPhase { get; set; } = 1;

    private DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>Set once the circuit runs the page (never in the prerendered HTML), so a browser test knows its clicks are handled.</summary>
    private bool Interactive { get; set; }

    private bool HasConfiguredPassword => !string.IsNullOrEmpty(Options.Value.UserPassword);

    private string TargetText => string.IsNullOrEmpty(Options.Value.GatewayUrl)
        ? "No sample workload runs with this dashboard (it was started with --no-demo, or LoadTest:GatewayUrl is not set): give the gateway URL of a running sample workload and the seeded users' password its launcher printed."
        : $"Load goes to the sample workload's gateway ({Options.Value.GatewayUrl}) through its load generator; its users sign in as the seeded users.";

    protected override void OnInitialized()
    {
        Form.GatewayUrl = Options.Value.GatewayUrl ?? "";
        Form.UserPassword = Options.Value.UserPassword ?? "";
        Status = Runner.Current;
        AttachPhase = Roadmap.Phases[0].Number;
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // Only an interactive page refreshes; the prerendered HTML is read once.
        if (firstRender)
        {
            _timer.Start(TimeSpan.FromMilliseconds(PageRefresher.MinimumPeriodMilliseconds), Time, RefreshAsync);
            Interactive = true;
            StateHasChanged();
        }
    }

    private async Task RefreshAsync()
    {
        Status = Runner.Current;
        await InvokeAsync(StateHasChanged);
    }

    private async Task StartAsync()
    {
        try
        {
            var by = await RequireAsync(KnownPolicies.Operate);
            if (!Form.TryCreatePlan(by, out var plan, out var error))
            {
                Fail(error!);
                return;
            }
            await Runner.StartAsync(plan!, CancellationToken.None);
            Succeed($"Started: {plan!.Describe()}.");
        }
        catch (Exception error) when (error is InvalidOperationException or UnauthorizedAccessException)
        {
            Fail(error.Message);
        }
        Status = Runner.Current;
    }

    private async Task StopAsync()
    {
        try
        {
            var by = await RequireAsync(KnownPolicies.Operate);
            Status = Runner.Current is { } current ? current with { State = LoadTestState.Stopping } : null;
            await Runner.StopAsync(by, CancellationToken.None);
            Succeed($"Stopped by {by}.");
        }
        catch (UnauthorizedAccessException error)
        {
            Fail(error.Message);
        }
        Status = Runner.Current;
    }

    private async Task AttachAsync()
    {
        try
        {
            var by = await RequireAsync(KnownPolicies.Operate);
            var record = await Runner.AttachAsync(AttachPhase, by, CancellationToken.None);
            Succeed($"Attached to phase {record.Phase} as evidence ({record.Id}); the Roadmap page lists it.");
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            Fail(Sentence(error));
        }
        Status = Runner.Current;
    }

    private static string StateTitle(LoadTestStatus status) => status.State switch
    {
        LoadTestState.Running => "Running",
        LoadTestState.Stopping => $"Stopping (asked by {status.StoppedBy})",
        LoadTestState.Finished when status.StoppedBy is { } by => $"Finished: stopped by {by}",
        LoadTestState.Finished => "Finished",
        _ => "Failed",
    };

    private string ElapsedText(LoadTestStatus status) => string.Create(CultureInfo.InvariantCulture,
        $"{status.Elapsed(Now).TotalSeconds:0} s of {status.Plan.DurationSeconds} s ({status.PercentDone(Now):0}%)");

    private static string ProgressText(LoadGenProgress progress) => string.Create(CultureInfo.InvariantCulture,
        $"users {progress.ActiveUsers} of {progress.TargetUsers}, {progress.RequestsPerSecond:0.0} requests/s, p99 {progress.P99}, errors {progress.ErrorPercent:0.0}% (last second)");

    public ValueTask DisposeAsync() => _timer.DisposeAsync();
}

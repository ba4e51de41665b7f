using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Observability.Core.Security;
using Observability.Dashboard.Administration.LoadTests;
using LoadTestPage = Observability.Dashboard.Components.Pages.LoadTest;

namespace Observability.Dashboard.Tests.Administration;

public sealed class LoadTestPageTests : AdministrationContext
{
    private static readonly Uri Gateway = new("http://127.0.0.1:5080");

    private readonly FakeLoadTestRunner _runner = new();

    private readonly LoadTestOptions _options = new();

    public LoadTestPageTests()
    {
        Context.Services.AddSingleton<ILoadTestRunner>(_runner);
        Context.Services.AddSingleton(Options.Create(_options));
    }

    private IRenderedComponent<LoadTestPage> Render()
    {
        SignInAs("sam", KnownRoles.Sre);
        return Context.Render<LoadTestPage>();
    }

    private static LoadTestPlan Plan(int from = 300, int to = 300, int ramp = 0) => new(Gateway, from, to, ramp, 60, "pw", "sam");

    private static LoadTestStatus Running(LoadGenProgress? progress) =>
        new(Plan(100, 300, 30), LoadTestState.Running, Now, null, progress, null, null, null, ["loadgen: 100 to 300 users over 30.0 s against http://127.0.0.1:5080/ for 1m 00s"], null);

    [Fact]
    public void Without_a_demo_it_says_so_and_asks_for_the_gateway_and_password()
    {
        var page = Render();

        Assert.StartsWith("No sample workload runs with this dashboard", page.Find("[data-testid=target-source]").TextContent.Trim());
        Assert.Equal("", page.Find("[data-testid=gateway-url]").GetAttribute("value"));
        Assert.NotNull(page.Find("[data-testid=user-password]"));
    }

    [Fact]
    public void With_the_demo_it_targets_its_gateway_and_needs_no_password()
    {
        _options.GatewayUrl = Gateway.ToString();
        _options.UserPassword = "seeded-password";

        var page = Render();

        Assert.Contains("sample workload's gateway (http://127.0.0.1:5080/)", page.Find("[data-testid=target-source]").TextContent);
        Assert.Equal(Gateway.ToString(), page.Find("[data-testid=gateway-url]").GetAttribute("value"));
        Assert.Empty(page.FindAll("[data-testid=user-password]"));
    }

    [Theory]
    [InlineData("0", "60", "Users must be from 1 to 20000, not 0.")]
    [InlineData("100", "5", "Duration must be from 10 to 14400 seconds, not 5.")]
    public async Task A_plan_that_cannot_run_is_refused_naming_the_field(string users, string duration, string message)
    {
        _options.GatewayUrl = Gateway.ToString();
        _options.UserPassword = "seeded-password";
        var page = Render();

        page.Find("[data-testid=users]").Input(users);
        page.Find("[data-testid=duration]").Input(duration);
        await page.Find("[data-testid=start]").ClickAsync(new());

        Assert.Equal(message, page.Find("[data-testid=loadtest-message]").TextContent.Trim());
        Assert.Empty(_runner.Started);
    }

    [Fact]
    public async Task Start_with_a_ramp_hands_the_plan_to_the_runner_as_the_signed_in_user()
    {
        _options.GatewayUrl = Gateway.ToString();
        _options.UserPassword = "seeded-password";
        var page = Render();

        page.Find("[data-testid=users]").Input("300");
        page.Find("[data-testid=duration]").Input("120");
        page.Find("[data-testid=ramp]").Change(true);
        page.Find("[data-testid=ramp-from]").Input("50");
        page.Find("[data-testid=ramp-seconds]").Input("60");
        await page.Find("[data-testid=start]").ClickAsync(new());

        var plan = Assert.Single(_runner.Started);
        Assert.Equal(new LoadTestPlan(Gateway, 50, 300, 60, 120, "seeded-password", "sam"), plan);
        Assert.Equal(["--target", "http://127.0.0.1:5080", "--ramp", "50:300/60s", "--duration", "120s", "--progress-interval", "1s"], plan.Arguments());
        Assert.Equal("A load test started by sam is running; one runs at a time.", page.Find("[data-testid=loadtest-busy]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=start]"));
    }

    [Fact]
    public void A_running_test_shows_its_progress_bar_users_rate_errors_and_p99()
    {
        _runner.Current = Running(LoadGenProgress.TryParse("users 150/200  req/s 412.5  p99 87 ms  errors 0.1% (5xx 3, 4xx 0, timeouts 0, refused 0, closed 0, other 0)"));
        Time.Advance(TimeSpan.FromSeconds(15));

        var page = Render();

        Assert.Equal("users 150 of 200, 412.5 requests/s, p99 87 ms, errors 0.1% (last second)", page.Find("[data-testid=progress]").TextContent.Trim());
        Assert.Equal("15 s of 60 s (25%)", page.Find("[data-testid=elapsed]").TextContent.Trim());
        Assert.Equal("100 to 300 users over 30 s, for 60 s against http://127.0.0.1:5080/, started by sam at 03:00:00 UTC", page.Find("[data-testid=plan]").TextContent.Trim());
        Assert.NotNull(page.Find("[data-testid=stop]"));
    }

    [Fact]
    public void Before_the_first_progress_line_it_says_none_came_yet()
    {
        _runner.Current = Running(null);

        var page = Render();

        Assert.StartsWith("No progress line from the load generator yet", page.Find("[data-testid=progress-none]").TextContent.Trim());
    }

    [Fact]
    public async Task Stop_asks_the_runner_to_stop_as_the_signed_in_user()
    {
        _runner.Current = Running(null);
        var page = Render();

        await page.Find("[data-testid=stop]").ClickAsync(new());

        Assert.Equal(["sam"], _runner.StoppedBy);
        Assert.Equal("Stopped by sam.", page.Find("[data-testid=loadtest-message]").TextContent.Trim());
    }

    [Fact]
    public async Task A_finished_test_is_attached_to_the_chosen_phase_as_evidence()
    {
        var summary = LoadGenProgress.TryParseSummary("summary  ran 1m 00s  peak users 300  requests 5400  req/s 90.0  p50 12 ms  p90 40 ms  p99 87 ms  max 300 ms  errors 0.0% (5xx 0, 4xx 0, timeouts 0, refused 0, closed 0, other 0)");
        _runner.Current = Running(null) with { State = LoadTestState.Finished, EndedAt = Now.AddMinutes(1), Summary = summary };
        var page = Render();

        page.Find("[data-testid=attach-phase]").Change("2");
        await page.Find("[data-testid=attach]").ClickAsync(new());

        Assert.Equal([(2, "sam")], _runner.Attached);
        Assert.Equal("Attached to phase 2 as lt-0123456789ab by sam (300 users, 03:00:00 to 03:01:00 UTC).", page.Find("[data-testid=evidence]").TextContent.Trim());
        Assert.Equal(summary!.Line, page.Find("[data-testid=summary]").TextContent.Trim());
        Assert.Equal((300, 5400L), (summary.PeakUsers, summary.Requests));
    }

    [Fact]
    public async Task Reads_the_status_every_two_seconds_while_open_and_never_after_it_is_closed()
    {
        _runner.Current = Running(null);
        var page = Render();
        var afterRender = _runner.Reads;

        _runner.Current = Running(LoadGenProgress.TryParse("users 200/200  req/s 99.0  p99 50 ms  errors 0.0% (5xx 0)"));
        Time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(afterRender, _runner.Reads);
        Time.Advance(TimeSpan.FromMilliseconds(1));
        page.WaitForAssertion(() => Assert.StartsWith("users 200 of 200", page.Find("[data-testid=progress]").TextContent.Trim()));

        await Context.DisposeComponentsAsync();
        var atClose = _runner.Reads;
        Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(atClose, _runner.Reads);
    }
}

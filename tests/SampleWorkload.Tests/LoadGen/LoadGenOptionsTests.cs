using Observability.SampleWorkload.LoadGen;
using Observability.SampleWorkload.LoadGen.Options;

namespace Observability.SampleWorkload.Tests.LoadGen;

public sealed class LoadGenOptionsTests
{
    private static readonly Func<string, string?> s_noEnvironment = _ => null;

    [Theory]
    [InlineData("--users", "--users", "abc")]
    [InlineData("--users", "--users", "0")]
    [InlineData("--ramp", "--ramp", "1000-10000/10m")]
    [InlineData("--ramp", "--ramp", "1000:10000/soon")]
    [InlineData("--ramp", "--ramp", "1000:10000")]
    [InlineData("--duration", "--duration", "0s")]
    [InlineData("--think-time", "--think-time", "-1s")]
    [InlineData("--target", "--target", "localhost:5080")]
    [InlineData("--target", "--target", "ftp://localhost")]
    [InlineData("--regions", "--regions", "us-east,,eu-west")]
    [InlineData("--seed", "--seed", "x")]
    [InlineData("--user-count", "--user-count", "-5")]
    [InlineData("--progress-interval", "--progress-interval", "10ms")]
    [InlineData("--timeout", "--timeout", "0")]
    [InlineData("--max-connections", "--max-connections", "many")]
    [InlineData("--bogus", "--bogus", "1")]
    [InlineData("--users", "--users")]
    public async Task A_bad_option_exits_2_with_one_line_naming_it(string named, params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var environment = new Dictionary<string, string> { [LoadGenOptionsParser.UserPasswordVariable] = "secret" };

        var exitCode = await LoadGenHost.RunAsync(args, output, errors, environment.GetValueOrDefault, CancellationToken.None);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("loadgen: ", line);
        Assert.Contains(named, line);
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public async Task Without_a_password_it_exits_2_naming_the_option_and_the_variable()
    {
        var errors = new StringWriter();

        var exitCode = await LoadGenHost.RunAsync(["--users", "10"], new StringWriter(), errors, s_noEnvironment, CancellationToken.None);

        Assert.Equal(2, exitCode);
        Assert.Contains("--user-password", errors.ToString());
        Assert.Contains("WORKLOAD_USER_PASSWORD", errors.ToString());
    }

    [Fact]
    public void Users_that_disagree_with_the_ramp_are_refused()
    {
        var parsed = LoadGenOptionsParser.Parse(["--users", "500", "--ramp", "10:1000/1m", "--user-password", "p"], s_noEnvironment);

        Assert.Null(parsed.Options);
        Assert.Contains("--users 500", parsed.Error);
        Assert.Contains("--ramp", parsed.Error);
    }

    [Fact]
    public void Defaults_follow_the_documentation()
    {
        var options = LoadGenOptionsParser.Parse([], name => name == "WORKLOAD_USER_PASSWORD" ? "from-env" : null).Options!;

        Assert.Equal(new Uri("http://localhost:5080/"), options.Target);
        Assert.Equal(TimeSpan.FromSeconds(3), options.ThinkTime);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ProgressInterval);
        Assert.Equal(100_000, options.UserCount);
        Assert.Equal("from-env", options.UserPassword);
        Assert.Null(options.Duration);
        Assert.Empty(options.Regions);
    }

    [Fact]
    public void Every_option_is_read_in_both_spellings()
    {
        var options = LoadGenOptionsParser.Parse(
            ["--target=http://127.0.0.1:9000", "--ramp", "1000:10000/10m", "--duration", "1h30m", "--think-time=500ms", "--regions", "us-east, eu-west",
             "--seed", "-7", "--user-count", "5000", "--user-password", "given", "--progress-interval", "5s", "--timeout", "2.5s", "--max-connections", "64"],
            _ => "ignored").Options!;

        Assert.Equal(new Uri("http://127.0.0.1:9000/"), options.Target);
        Assert.Equal(new RampSchedule(1000, 10_000, TimeSpan.FromMinutes(10)), options.Users);
        Assert.Equal(TimeSpan.FromMinutes(90), options.Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.ThinkTime);
        Assert.Equal(["us-east", "eu-west"], options.Regions);
        Assert.Equal(-7, options.Seed);
        Assert.Equal(5000, options.UserCount);
        Assert.Equal("given", options.UserPassword);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ProgressInterval);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.RequestTimeout);
        Assert.Equal(64, options.MaxConnections);
    }

    [Fact]
    public void A_ramp_moves_linearly_then_holds()
    {
        var ramp = new RampSchedule(1000, 10_000, TimeSpan.FromMinutes(10));

        Assert.Equal(1000, ramp.UsersAt(TimeSpan.Zero));
        Assert.Equal(5500, ramp.UsersAt(TimeSpan.FromMinutes(5)));
        Assert.Equal(10_000, ramp.UsersAt(TimeSpan.FromMinutes(10)));
        Assert.Equal(10_000, ramp.UsersAt(TimeSpan.FromHours(1)));
        Assert.Equal(100, new RampSchedule(500, 100, TimeSpan.FromSeconds(10)).UsersAt(TimeSpan.FromSeconds(10)));
        Assert.Equal(300, new RampSchedule(500, 100, TimeSpan.FromSeconds(10)).UsersAt(TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [InlineData("90", 90_000)]
    [InlineData("1.5", 1_500)]
    [InlineData("250ms", 250)]
    [InlineData("10m", 600_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("0s", 0)]
    public void Durations_are_read_as_people_type_them(string text, long milliseconds)
    {
        Assert.True(DurationText.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10x")]
    [InlineData("m")]
    [InlineData("-5s")]
    [InlineData("1e9h")]
    public void Durations_that_are_not_durations_are_refused(string text) =>
        Assert.False(DurationText.TryParse(text, out _));
}

using System.Text.RegularExpressions;
using Observability.Core.Alerting.Rules;
using Observability.Core.Alerting.Slo;
using Observability.Core.Roadmap;

namespace Observability.Core.Tests.Alerting.Rules;

public sealed partial class AlertRulesLoaderTests
{
    private const string File = "alerts.yaml";

    /// <summary>The example of docs/alerting-rules.md, so the documentation never shows a file the Collector refuses.</summary>
    private static string DocumentedExample()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !System.IO.File.Exists(Path.Combine(folder.FullName, "Observability.sln")))
        {
            folder = folder.Parent;
        }
        Assert.NotNull(folder);
        var markdown = System.IO.File.ReadAllText(Path.Combine(folder.FullName, "docs", "alerting-rules.md"));
        return YamlBlock().Match(markdown).Groups[1].Value;
    }

    [GeneratedRegex("```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();

    [Fact]
    public void The_documented_example_loads_with_every_condition_and_indicator()
    {
        var file = AlertRulesLoader.Parse(DocumentedExample(), File);

        Assert.Equal(["storefront-availability", "checkout-latency", "orders-processed"], file.Slos.Select(s => s.Name));
        var availability = file.Slos[0];
        Assert.IsType<AvailabilityIndicator>(availability.Indicator);
        Assert.Equal((0.999, TimeSpan.FromDays(30)), (availability.Objective, availability.TimeWindow.Rolling!.Value));
        var latency = Assert.IsType<LatencyIndicator>(file.Slos[1].Indicator);
        Assert.Equal((300.0, "POST /checkout"), (latency.ThresholdMilliseconds, latency.Operation));
        Assert.True(file.Slos[1].TimeWindow.IsCalendarMonth);
        var ratio = Assert.IsType<RatioIndicator>(file.Slos[2].Indicator);
        Assert.Equal("orders.processed{outcome=\"ok\"}", ratio.Good.Describe());

        Assert.Equal(["CheckoutErrors", "SlowServices", "ReplicationLagHigh", "QueueBacklog", "OrdersBudgetBurn"], file.Rules.Select(r => r.Name));
        var errors = file.Rules[0];
        Assert.Equal(new RedCondition(RedSignal.ErrorRatio, "storefront", "POST /checkout"), errors.Condition);
        Assert.Equal((TargetComparator.GreaterThan, 0.02, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30)),
            (errors.Comparator, errors.Threshold, errors.Window, errors.For));
        Assert.Equal("page", errors.Severity);
        Assert.Equal("shop", errors.Labels["team"]);
        Assert.Equal("https://runbooks.example.org/checkout-errors", errors.Annotations["runbook_url"]);

        // 1 s written with unit s is 1000 in the KPI's own unit, ms.
        var lag = file.Rules[2];
        Assert.Equal((new KpiCondition(KnownKpis.ReplicationLag) as AlertCondition, 1000.0), (lag.Condition, lag.Threshold));

        var backlog = Assert.IsType<MetricCondition>(file.Rules[3].Condition);
        Assert.Equal(("queue.depth", "max", "orders", "service.name"), (backlog.Metric, backlog.Aggregation, backlog.Match["queue"], backlog.By.Single()));
        Assert.Equal(TimeSpan.Zero, file.Rules[3].For);

        var burn = file.Rules[4];
        var condition = Assert.IsType<SloBurnCondition>(burn.Condition);
        Assert.Same(file.Slos[2], condition.Slo);
        Assert.Equal((TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), 14.4), (condition.LongWindow, condition.ShortWindow, condition.Factor));
        Assert.Equal((TargetComparator.GreaterThan, 14.4), (burn.Comparator, burn.Threshold));
        Assert.Equal("orders-processed", burn.Labels["slo"]);
    }

    [Fact]
    public void Rules_describe_themselves_and_serialize_with_their_condition_kind()
    {
        var file = AlertRulesLoader.Parse(DocumentedExample(), File);

        Assert.Equal("error_ratio of storefront operation 'POST /checkout' over 1m > 0.02 for 30s", file.Rules[0].Describe());
        Assert.Equal("burn rate of SLO orders-processed > 14.4 over both 1h and 5m", file.Rules[4].Describe());
        var json = System.Text.Json.JsonSerializer.Serialize(file.Rules[0]);
        Assert.Contains("\"Condition\":{\"kind\":\"red\",\"Signal\":\"ErrorRatio\"", json);
        Assert.Contains("\"kind\":\"ratio\"", System.Text.Json.JsonSerializer.Serialize(file.Rules[4]));
    }

    [Fact]
    public void An_empty_file_has_no_rules_and_no_slos()
    {
        var file = AlertRulesLoader.Parse("", File);

        Assert.Empty(file.Rules);
        Assert.Empty(file.Slos);
        Assert.Empty(AlertRulesLoader.Parse("rules: []\nslos:\n", File).Rules);
    }

    private const string Valid = """
        - name: R
          kpi: response_time_p99
          comparator: ">"
          threshold: 500
          window: 5m
          labels: { severity: page }
        """;

    /// <summary>A rules file with one rule, whose <paramref name="line"/> replaces the line starting with the same key.</summary>
    private static string RuleWith(string line, string slos = "")
    {
        var key = line.TrimStart().Split(':')[0];
        var lines = Valid.Split('\n').Select(l => l.TrimStart().StartsWith(key + ":", StringComparison.Ordinal) || l.StartsWith("- " + key + ":", StringComparison.Ordinal)
            ? (l.StartsWith('-') ? "- " : "  ") + line
            : l).ToList();
        if (!lines.Any(l => l.EndsWith(line, StringComparison.Ordinal)))
        {
            lines.Add("  " + line);
        }
        return slos + "rules:\n" + string.Join('\n', lines.Select(l => "  " + l)) + "\n";
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        // Each: the file, and the exact message (file:line:col: problem; accepted ...).
        { RuleWith("kpi: response_time_p98"), $"alerts.yaml:3:10: unknown kpi 'response_time_p98'; accepted: {string.Join(", ", KnownKpis.All.Keys)}" },
        { RuleWith("comparator: \"=>\""), "alerts.yaml:4:17: bad comparator '=>'; accepted: <, <=, >, >=" },
        { RuleWith("window: 5 minutes"), $"alerts.yaml:6:13: bad duration '5 minutes' for 'window'; accepted: {AlertDurations.Accepted}" },
        { RuleWith("window: 0s"), $"alerts.yaml:6:13: 'window' must be longer than 0; accepted: {AlertDurations.Accepted}" },
        { RuleWith("labels: { severity: critical }"), "alerts.yaml:7:25: bad severity 'critical'; accepted: page, ticket, info" },
        { RuleWith("labels: { team: shop }"), "alerts.yaml:7:13: missing label 'severity'; accepted: page, ticket, info" },
        { RuleWith("labels: { alertname: X, severity: page }"), "alerts.yaml:7:15: 'alertname' is set from the rule's name; remove it from labels" },
        { RuleWith("threshold: high"), "alerts.yaml:5:16: 'threshold' must be a number, not 'high'" },
        { RuleWith("unit: furlongs"), "alerts.yaml:8:11: unit 'furlongs' does not fit kpi 'response_time_p99'; accepted: ms, s, min" },
        { RuleWith("severity: page"), "alerts.yaml:8:5: unknown key 'severity'; accepted here: name, kpi, red, metric, slo_burn, comparator, threshold, unit, window, for, labels, annotations" },
        { RuleWith("name: high-errors"), "alerts.yaml:2:11: rule name 'high-errors' must start with a letter or '_' and hold only letters, digits and '_' (e.g. HighErrorRatio)" },
        { "rules:\n  - name: R\n    red: { signal: errors }\n    comparator: \">\"\n    threshold: 1\n    window: 1m\n    labels: { severity: page }\n",
            "alerts.yaml:3:20: unknown red signal 'errors'; accepted: error_ratio, rate, p50, p90, p95, p99" },
        { "rules:\n  - name: R\n    metric: { name: m, agg: median }\n    comparator: \">\"\n    threshold: 1\n    window: 1m\n    labels: { severity: page }\n",
            "alerts.yaml:3:29: unknown agg 'median'; accepted: sum, avg, max, rate, p50, p90, p95, p99 (or any pNN such as p99.9)" },
        { "rules:\n  - name: R\n    comparator: \">\"\n    threshold: 1\n    window: 1m\n    labels: { severity: page }\n",
            "alerts.yaml:2:5: rule 'R' has no condition; accepted: one of kpi, red, metric, slo_burn" },
        { "rules:\n  - name: R\n    kpi: uptime\n    red: { signal: rate }\n    comparator: \">\"\n    threshold: 1\n    window: 1m\n    labels: { severity: page }\n",
            "alerts.yaml:2:5: rule 'R' has 2 conditions (kpi, red); accepted: exactly one of kpi, red, metric, slo_burn" },
        { RuleWith("annotations: { summary: \"{{ $val }} ms\" }"), "alerts.yaml:8:29: unknown placeholder {{ $val }} in 'summary'; accepted: {{ $value }} and {{ $labels.<name> }}" },
        { Valid.Insert(0, "rules:\n").Replace("\n", "\n  ") + "\n" + Valid.Replace("\n", "\n  ").Insert(0, "  "),
            "alerts.yaml:8:11: duplicate rule name 'R': also at line 2; rule names must be unique" },
        { "rules:\n  - name: Burn\n    slo_burn: { slo: nope, long: 1h, short: 5m, factor: 14.4 }\n    labels: { severity: page }\n",
            "alerts.yaml:3:22: unknown slo 'nope': the file defines no SLOs; add it under 'slos'" },
        { "slos:\n  - { name: a, service: s, objective: 0.99, window: 30d, indicator: availability }\nrules:\n  - name: Burn\n    slo_burn: { slo: b, long: 1h, short: 5m, factor: 14.4 }\n    labels: { severity: page }\n",
            "alerts.yaml:5:22: unknown slo 'b'; accepted: a" },
        { "slos:\n  - { name: a, service: s, objective: 0.99, window: 30d, indicator: availability }\nrules:\n  - name: Burn\n    slo_burn: { slo: a, long: 5m, short: 1h, factor: 14.4 }\n    labels: { severity: page }\n",
            "alerts.yaml:5:42: 'short' (1h) must be shorter than 'long' (5m)" },
        { "slos:\n  - { name: a, service: s, objective: 0.99, window: 30d, indicator: availability }\nrules:\n  - name: Burn\n    slo_burn: { slo: a, long: 1h, short: 5m, factor: 14.4 }\n    threshold: 3\n    labels: { severity: page }\n",
            "alerts.yaml:6:16: 'threshold' does not apply to slo_burn: the rule fires when the burn rate exceeds 'factor' over both 'long' and 'short'" },
        { "slos:\n  - { name: a, service: s, objective: 99.9, window: 30d, indicator: availability }\n",
            "alerts.yaml:2:39: objective 99.9 is not in (0, 1); accepted: a share between 0 and 1, e.g. 0.999 for 99.9%" },
        { "slos:\n  - { name: a, service: s, objective: 1, window: 30d, indicator: availability }\n",
            "alerts.yaml:2:39: objective 1 is not in (0, 1); accepted: a share between 0 and 1, e.g. 0.999 for 99.9%" },
        { "slos:\n  - { name: a, service: s, objective: 0.99, window: { calendar: week }, indicator: availability }\n",
            "alerts.yaml:2:65: unknown calendar window 'week'; accepted: month" },
        { "slos:\n  - { name: a, service: s, objective: 0.99, window: 30d, indicator: { errors: {} } }\n",
            "alerts.yaml:2:71: unknown indicator 'errors'; accepted: availability, latency, ratio" },
        { "slos:\n  - { name: a, service: s, objective: 0.99, window: 30d, indicator: availability }\n  - { name: a, service: t, objective: 0.9, window: 7d, indicator: availability }\n",
            "alerts.yaml:3:13: duplicate SLO name 'a': also at line 2; SLO names must be unique" },
        { "rules:\n  - name: R\n    kpi: [uptime\n", "alerts.yaml:4:1: not valid YAML: " },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_file_is_refused_naming_file_line_column_and_what_is_accepted(string yaml, string expected)
    {
        var error = Assert.Throws<AlertRulesException>(() => AlertRulesLoader.Parse(yaml, File));

        Assert.StartsWith(expected, error.Message);
    }

    [Fact]
    public void A_missing_file_is_refused_with_its_path()
    {
        var error = Assert.Throws<AlertRulesException>(() => AlertRulesLoader.Load("/nonexistent/alerts.yaml"));

        Assert.StartsWith("/nonexistent/alerts.yaml: cannot read the alerts file:", error.Message);
    }

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("3d", 259_200_000)]
    [InlineData("1w", 604_800_000)]
    [InlineData("500ms", 500)]
    [InlineData("0", 0)]
    public void Durations_read_as_prometheus_writes_them(string text, long milliseconds)
    {
        Assert.True(AlertDurations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
        Assert.True(AlertDurations.TryParse(AlertDurations.Format(duration), out var again));
        Assert.Equal(duration, again);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("5 m")]
    [InlineData("-5m")]
    [InlineData("1.5h")]
    [InlineData("5y")]
    public void Durations_without_a_known_unit_are_refused(string text) => Assert.False(AlertDurations.TryParse(text, out _));
}

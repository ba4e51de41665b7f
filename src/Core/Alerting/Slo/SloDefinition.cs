using System.Text.Json.Serialization;

namespace Observability.Core.Alerting.Slo;

/// <summary>
/// A service level objective in the OpenSLO style: of the events its <see cref="Indicator"/> counts for
/// <see cref="Service"/>, at least <see cref="Objective"/> (e.g. 0.999) are good over <see cref="TimeWindow"/>.
/// </summary>
public sealed record SloDefinition(string Name, string Service, SloIndicator Indicator, double Objective, SloTimeWindow TimeWindow, string? Description = null)
{
    /// <summary>The share of events allowed to be bad: 1 − objective.</summary>
    public double ErrorBudget => 1 - Objective;
}

/// <summary>How an SLO counts good and total events. JSON names the kind as the alerts file does.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(AvailabilityIndicator), "availability")]
[JsonDerivedType(typeof(LatencyIndicator), "latency")]
[JsonDerivedType(typeof(RatioIndicator), "ratio")]
public abstract record SloIndicator
{
    public abstract string Describe();
}

/// <summary><c>availability</c>: server spans of the service from the rollups; good = not in error.</summary>
public sealed record AvailabilityIndicator : SloIndicator
{
    public override string Describe() => "server spans not in error";
}

/// <summary>
/// <c>latency: { threshold_ms, operation? }</c>: server spans of the service (or of one operation) from the rollups;
/// good = at or under the threshold, counted from the rollups' latency sketches (within their relative error).
/// </summary>
public sealed record LatencyIndicator(double ThresholdMilliseconds, string? Operation) : SloIndicator
{
    public override string Describe() => $"server spans{(Operation is null ? "" : $" of '{Operation}'")} at or under {ThresholdMilliseconds:0.###} ms";
}

/// <summary><c>ratio: { good, total }</c>: two metric queries, each counting events (a counter's increase or a histogram's observations).</summary>
public sealed record RatioIndicator(SloMetricQuery Good, SloMetricQuery Total) : SloIndicator
{
    public override string Describe() => $"{Good.Describe()} over {Total.Describe()}";
}

/// <summary>Events counted from one metric, optionally filtered by label values: the counter's increase, or a histogram's observation count.</summary>
public sealed record SloMetricQuery(string Metric, IReadOnlyDictionary<string, string> Match)
{
    public string Describe() => Metric + (Match.Count == 0 ? "" : "{" + string.Join(",", Match.Select(m => $"{m.Key}=\"{m.Value}\"")) + "}");
}

/// <summary>The window an SLO's objective applies to: a rolling duration, or the calendar month so far (UTC).</summary>
public sealed record SloTimeWindow(TimeSpan? Rolling)
{
    public static SloTimeWindow CalendarMonth { get; } = new((TimeSpan?)null);

    public bool IsCalendarMonth => Rolling is null;

    /// <summary>The window that ends at <paramref name="now"/>: [now − rolling, now), or [first of this month 00:00Z, now).</summary>
    public (DateTimeOffset From, DateTimeOffset To) At(DateTimeOffset now)
    {
        if (Rolling is { } rolling)
        {
            return (now - rolling, now);
        }
        var utc = now.ToUniversalTime();
        return (new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero), now);
    }

    public string Describe() => Rolling is { } rolling ? $"rolling {Rules.AlertDurations.Format(rolling)}" : "calendar month";
}

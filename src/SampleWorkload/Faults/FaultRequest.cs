using System.Text.Json;
using System.Text.Json.Serialization;

namespace Observability.SampleWorkload.Faults;

/// <summary>A validated POST /faults body.</summary>
internal sealed record FaultRequest
{
    public const int MinDurationSeconds = 1;
    public const int MaxDurationSeconds = 3600;

    public required string Kind { get; init; }

    public required int DurationSeconds { get; init; }

    /// <summary>A service name or service.instance.id for instance faults; null for the default.</summary>
    public string? Target { get; init; }

    /// <summary>Strength: added seconds (latency), fraction failed (errors), seconds each lock is held (db-slow).</summary>
    public double? Magnitude { get; init; }

    /// <summary>deploy only: when the change being deployed was committed; its lead time is measured from here.</summary>
    public DateTimeOffset? CommittedAt { get; init; }

    /// <summary>A commit older than this is surely a mistake rather than a slow pipeline.</summary>
    public static readonly TimeSpan MaxLeadTime = TimeSpan.FromDays(90);

    /// <summary>Reads and checks a request body; the error names the offending field.</summary>
    public static (FaultRequest? Request, string? Error) Parse(JsonElement body, DateTimeOffset now)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, "the body must be a JSON object such as {\"kind\":\"latency\",\"durationSeconds\":60}");
        }
        if (!body.TryGetProperty("kind", out var kindElement) || kindElement.ValueKind != JsonValueKind.String
            || !FaultKinds.All.Contains(kindElement.GetString()))
        {
            return (null, $"kind must be one of {string.Join(", ", FaultKinds.All)}");
        }
        if (!body.TryGetProperty("durationSeconds", out var durationElement) || durationElement.ValueKind != JsonValueKind.Number
            || !durationElement.TryGetInt32(out var duration) || duration is < MinDurationSeconds or > MaxDurationSeconds)
        {
            return (null, $"durationSeconds must be a whole number from {MinDurationSeconds} to {MaxDurationSeconds}");
        }
        string? target = null;
        if (body.TryGetProperty("target", out var targetElement) && targetElement.ValueKind != JsonValueKind.Null)
        {
            if (targetElement.ValueKind != JsonValueKind.String || targetElement.GetString() is not { Length: > 0 and <= 100 } text)
            {
                return (null, "target must be a service name such as storefront-api or a service.instance.id such as storefront-api-2");
            }
            target = text;
        }
        double? magnitude = null;
        if (body.TryGetProperty("magnitude", out var magnitudeElement) && magnitudeElement.ValueKind != JsonValueKind.Null)
        {
            if (magnitudeElement.ValueKind != JsonValueKind.Number || magnitudeElement.GetDouble() is not (> 0 and <= 60))
            {
                return (null, "magnitude must be a number above 0 and at most 60 (seconds of latency, fraction of errors, seconds of lock hold)");
            }
            magnitude = magnitudeElement.GetDouble();
        }
        DateTimeOffset? committedAt = null;
        if (body.TryGetProperty("committedAt", out var committedElement) && committedElement.ValueKind != JsonValueKind.Null)
        {
            if (kindElement.GetString() != FaultKinds.Deploy)
            {
                return (null, "committedAt applies to deploy only");
            }
            if (committedElement.ValueKind != JsonValueKind.String || !committedElement.TryGetDateTimeOffset(out var committed))
            {
                return (null, "committedAt must be an RFC 3339 time such as 2026-11-26T09:30:00Z");
            }
            if (committed > now || committed < now - MaxLeadTime)
            {
                return (null, $"committedAt must be in the past, at most {MaxLeadTime.TotalDays:0} days ago");
            }
            committedAt = committed;
        }
        return (new FaultRequest { Kind = kindElement.GetString()!, DurationSeconds = duration, Target = target, Magnitude = magnitude, CommittedAt = committedAt }, null);
    }
}

/// <summary>A fault as GET /faults lists it, and POST /faults answers it.</summary>
internal sealed record FaultRecord
{
    public required string Id { get; init; }

    public required string Kind { get; init; }

    public required string Target { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset EndsAt { get; init; }

    /// <summary>active, ended, or failed.</summary>
    public required string Status { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>What happened, e.g. the instance killed or the version deployed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Detail { get; init; }
}

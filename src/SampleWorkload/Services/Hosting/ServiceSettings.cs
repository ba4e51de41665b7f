using Observability.SampleWorkload.Shared;

namespace Observability.SampleWorkload.Services.Hosting;

/// <summary>The configuration of one service process, read once at start and validated (see <see cref="KnownSettings"/>).</summary>
internal sealed record ServiceSettings
{
    public required string Role { get; init; }
    public required int Phase { get; init; }
    public required string PrimaryDatabase { get; init; }

    /// <summary>The replica's connection string, or null when reads go to the primary (before phase 3).</summary>
    public string? ReplicaDatabase { get; init; }

    /// <summary>StackExchange.Redis configuration, or null in phase 1.</summary>
    public string? Redis { get; init; }
    public required bool QuickWins { get; init; }
    public string? Region { get; init; }
    public required int RegionLatencyMilliseconds { get; init; }
    public string? UserPassword { get; init; }
    public string? ControlToken { get; init; }
    public Uri? AuthUrl { get; init; }
    public Uri? PaymentUrl { get; init; }
    public Uri? ReportingUrl { get; init; }

    /// <summary>Sessions and catalog cache live in Redis from phase 2.</summary>
    public bool UsesRedis => Redis is not null;

    /// <summary>Phase 4's order events over a Redis stream, consumed by reporting-service.</summary>
    public bool PublishesOrderEvents => Phase >= 4 && UsesRedis;

    /// <summary>Phase 5's in-process memory layer in front of the Redis cache.</summary>
    public bool UsesMemoryCache => Phase >= 5;

    /// <summary>Reads the settings, or throws <see cref="ServiceSettingsException"/> naming the first bad one.</summary>
    public static ServiceSettings Read(string role, IConfiguration configuration)
    {
        var phase = ReadInt(configuration, KnownSettings.Phase, defaultValue: 1, minimum: 1, maximum: 7);
        var primary = Optional(configuration, KnownSettings.PrimaryDatabase)
            ?? throw new ServiceSettingsException($"{KnownSettings.PrimaryDatabase} is required: the Npgsql connection string of the primary database.");
        var redis = Optional(configuration, KnownSettings.Redis);
        if (phase >= 2 && redis is null)
        {
            throw new ServiceSettingsException($"{KnownSettings.Redis} is required from phase 2 (sessions, cache and streams live in Redis); phase is {phase}.");
        }
        var settings = new ServiceSettings
        {
            Role = role,
            Phase = phase,
            PrimaryDatabase = primary,
            ReplicaDatabase = Optional(configuration, KnownSettings.ReplicaDatabase),
            Redis = redis,
            QuickWins = ReadBool(configuration, KnownSettings.QuickWins),
            Region = Optional(configuration, KnownSettings.Region),
            RegionLatencyMilliseconds = ReadInt(configuration, KnownSettings.RegionLatencyMilliseconds, defaultValue: 0, minimum: 0, maximum: 10_000),
            UserPassword = Optional(configuration, KnownSettings.UserPassword),
            ControlToken = Optional(configuration, KnownSettings.ControlToken),
            AuthUrl = ReadUrl(configuration, KnownSettings.AuthUrl),
            PaymentUrl = ReadUrl(configuration, KnownSettings.PaymentUrl),
            ReportingUrl = ReadUrl(configuration, KnownSettings.ReportingUrl),
        };
        var checksPasswords = role == KnownRoles.Auth || (role == KnownRoles.Storefront && settings.AuthUrl is null);
        if (checksPasswords && settings.UserPassword is null)
        {
            throw new ServiceSettingsException($"{KnownSettings.UserPassword} is required by {KnownRoles.ServiceName(role)}: the password every seeded user signs in with.");
        }
        if (role == KnownRoles.Reporting && redis is null)
        {
            throw new ServiceSettingsException($"{KnownSettings.Redis} is required by reporting-service: it consumes the order stream.");
        }
        return settings;
    }

    private static string? Optional(IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value ? value : null;

    private static int ReadInt(IConfiguration configuration, string key, int defaultValue, int minimum, int maximum)
    {
        var text = Optional(configuration, key);
        if (text is null)
        {
            return defaultValue;
        }
        if (!int.TryParse(text, out var value) || value < minimum || value > maximum)
        {
            throw new ServiceSettingsException($"{key} is '{text}': accepted values are whole numbers from {minimum} to {maximum}.");
        }
        return value;
    }

    private static bool ReadBool(IConfiguration configuration, string key)
    {
        var text = Optional(configuration, key);
        if (text is null)
        {
            return false;
        }
        return bool.TryParse(text, out var value)
            ? value
            : throw new ServiceSettingsException($"{key} is '{text}': accepted values are true and false.");
    }

    private static Uri? ReadUrl(IConfiguration configuration, string key)
    {
        var text = Optional(configuration, key);
        if (text is null)
        {
            return null;
        }
        return Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw new ServiceSettingsException($"{key} is '{text}': accepted values are absolute http or https URLs.");
    }
}

/// <summary>A setting is missing or invalid; the message names it and the accepted values.</summary>
internal sealed class ServiceSettingsException(string message) : Exception(message);

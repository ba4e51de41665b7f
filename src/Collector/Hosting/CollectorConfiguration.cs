using System.ComponentModel.DataAnnotations;
using Observability.Core.Storage;

namespace Observability.Collector.Hosting;

/// <summary>A setting that cannot work; the message names the setting and what it accepts.</summary>
public sealed class ConfigurationException(string message) : Exception(message);

/// <summary>
/// Reads and checks the Collector's settings before the host is built, so a bad value stops the process with
/// one line naming the setting and the accepted values instead of a stack trace.
/// </summary>
internal static class CollectorConfiguration
{
    public static CollectorOptions Read(IConfiguration configuration)
    {
        RequireEnum<StorageProvider>(configuration, "Storage:Provider");
        RequireEnum<SqliteSynchronous>(configuration, "Storage:Sqlite:Synchronous");
        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.Provider == StorageProvider.Postgres && string.IsNullOrWhiteSpace(configuration.GetConnectionString("Postgres")))
        {
            throw new ConfigurationException("Storage:Provider is Postgres but ConnectionStrings:Postgres is not set; set it to an Npgsql connection string.");
        }
        Validate(storage, "Storage");
        Validate(storage.Sqlite, "Storage:Sqlite");

        CollectorOptions collector;
        try
        {
            collector = configuration.GetSection(CollectorOptions.SectionName).Get<CollectorOptions>() ?? new CollectorOptions();
        }
        catch (InvalidOperationException error)
        {
            throw new ConfigurationException(error.Message);
        }
        Validate(collector, "Collector");
        Validate(collector.Ingest, "Collector:Ingest");
        RequireHttpUrl(collector.OtlpGrpcUrl, "Collector:OtlpGrpcUrl");
        RequireHttpUrl(collector.OtlpHttpUrl, "Collector:OtlpHttpUrl");
        return collector;
    }

    public static void RequireHttpUrl(string url, string setting)
    {
        try
        {
            var address = BindingAddress.Parse(url);
            if (string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase) && address.Port > 0)
            {
                return;
            }
        }
        catch (FormatException)
        {
            // Reported below with the accepted form.
        }
        throw new ConfigurationException($"{setting} '{url}' is not valid; use http://host:port, e.g. http://localhost:4317 (terminate TLS in front of the Collector).");
    }

    private static void RequireEnum<T>(IConfiguration configuration, string setting) where T : struct, Enum
    {
        var value = configuration[setting];
        if (!string.IsNullOrEmpty(value) && !Enum.TryParse<T>(value, ignoreCase: true, out _))
        {
            throw new ConfigurationException($"{setting} '{value}' is not valid; accepted values: {string.Join(", ", Enum.GetNames<T>())}.");
        }
    }

    private static void Validate(object options, string section)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            var first = results[0];
            throw new ConfigurationException($"{section}:{first.MemberNames.FirstOrDefault()}: {first.ErrorMessage}");
        }
    }
}

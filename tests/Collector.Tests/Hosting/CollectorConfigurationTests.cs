using Microsoft.Extensions.Configuration;
using Observability.Collector.Hosting;

namespace Observability.Collector.Tests.Hosting;

public sealed class CollectorConfigurationTests
{
    [Theory]
    [InlineData("Storage:Provider", "Mongo", "Storage:Provider 'Mongo' is not valid; accepted values: Sqlite, Postgres.")]
    [InlineData("Storage:Sqlite:Synchronous", "Off", "Storage:Sqlite:Synchronous 'Off' is not valid; accepted values: Normal, Full.")]
    [InlineData("Collector:MaxRequestBytes", "12", "Collector:MaxRequestBytes: The field MaxRequestBytes must be between 1024 and 1073741824.")]
    [InlineData("Collector:Ingest:QueueCapacityItems", "0", "Collector:Ingest:QueueCapacityItems: The field QueueCapacityItems must be between 1 and 10000000.")]
    [InlineData("Collector:OtlpGrpcUrl", "https://0.0.0.0:4317", "Collector:OtlpGrpcUrl 'https://0.0.0.0:4317' is not valid; use http://host:port, e.g. http://localhost:4317 (terminate TLS in front of the Collector).")]
    [InlineData("Storage:Provider", "Postgres", "Storage:Provider is Postgres but ConnectionStrings:Postgres is not set; set it to an Npgsql connection string.")]
    public void A_bad_setting_is_named_with_what_it_accepts(string key, string value, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create(key, (string?)value)]).Build();

        var error = Assert.Throws<ConfigurationException>(() => CollectorConfiguration.Read(configuration));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void The_defaults_listen_on_loopback()
    {
        var options = CollectorConfiguration.Read(new ConfigurationBuilder().Build());

        Assert.Equal("http://localhost:4317", options.OtlpGrpcUrl);
        Assert.Equal("http://localhost:4318", options.OtlpHttpUrl);
        Assert.True(Listeners.IsLoopback(options.OtlpGrpcUrl));
        Assert.False(options.Otlp.IsEnabled);
    }
}

public sealed class ExposureWarningTests
{
    [Theory]
    [InlineData("http://0.0.0.0:4317", "", true)]
    [InlineData("http://192.168.1.5:4317", "", true)]
    [InlineData("http://0.0.0.0:4317", "a-key", false)]
    [InlineData("http://127.0.0.1:4317", "", false)]
    [InlineData("http://localhost:4317", "", false)]
    [InlineData("http://[::1]:4317", "", false)]
    public void Unauthenticated_otlp_beyond_loopback_is_reported(string grpcUrl, string apiKey, bool reported)
    {
        var options = new CollectorOptions { OtlpGrpcUrl = grpcUrl, Otlp = new OtlpAuthOptions { PrimaryApiKey = apiKey } };

        Assert.Equal(reported ? [grpcUrl] : [], Listeners.ExposedWithoutAuthentication(options));
    }
}

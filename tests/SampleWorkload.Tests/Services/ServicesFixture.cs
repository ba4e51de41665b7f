using System.Net;
using Microsoft.AspNetCore.Builder;
using System.Security.Cryptography;
using Observability.SampleWorkload.Services;
using Observability.SampleWorkload.Shared;
using Observability.Tests.Shared;

namespace Observability.SampleWorkload.Tests.Services;

/// <summary>One PostgreSQL and one Redis for every services test; the tests run one after another on them.</summary>
[CollectionDefinition(Name)]
public sealed class ServicesCollection : ICollectionFixture<ServicesFixture>
{
    public const string Name = "services";
}

/// <summary>Real servers, the per-run secrets, and a way to start service roles in this process on free ports.</summary>
public sealed class ServicesFixture : IAsyncLifetime
{
    public PostgresServer Postgres { get; } = new();
    public RedisServer Redis { get; } = new();
    public string UserPassword { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    public string ControlToken { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Postgres.InitializeAsync(), Redis.InitializeAsync());
    }

    public async Task DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }

    /// <summary>Settings of a storefront of the given phase on these servers; callers add or override keys.</summary>
    public Dictionary<string, string> Settings(int phase, bool quickWins) => new()
    {
        [KnownSettings.PrimaryDatabase] = Postgres.ConnectionString,
        [KnownSettings.Phase] = phase.ToString(),
        [KnownSettings.QuickWins] = quickWins ? "true" : "false",
        [KnownSettings.UserPassword] = UserPassword,
        [KnownSettings.ControlToken] = ControlToken,
        [KnownSettings.Redis] = phase >= 2 ? Redis.ConnectionString : "",
    };

    /// <summary>Starts a role with the given settings (as command-line configuration) and waits until it listens.</summary>
    public async Task<RunningService> StartAsync(string role, IReadOnlyDictionary<string, string> settings)
    {
        var port = FreePort.Next();
        var arguments = new List<string>
        {
            $"--{KnownSettings.Urls}=http://127.0.0.1:{port}",
            // Nothing listens there: these tests read spans in process, and must not send to a Collector someone runs.
            "--OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9",
        };
        arguments.AddRange(settings.Where(setting => setting.Value.Length > 0).Select(setting => $"--{setting.Key}={setting.Value}"));
        var app = await ServiceHost.BuildAsync(role, [.. arguments], CancellationToken.None);
        await app.StartAsync();
        return new RunningService(app, new Uri($"http://127.0.0.1:{port}"));
    }
}

/// <summary>A service role running in the test process; disposing stops it.</summary>
public sealed class RunningService(WebApplication app, Uri baseAddress) : IAsyncDisposable
{
    public Uri BaseAddress { get; } = baseAddress;

    internal WebApplication App { get; } = app;

    /// <summary>A client for this service, without automatic decompression so tests see the encoding.</summary>
    public HttpClient Client(DecompressionMethods decompression = DecompressionMethods.None) =>
        new(new SocketsHttpHandler { AutomaticDecompression = decompression }) { BaseAddress = BaseAddress };

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

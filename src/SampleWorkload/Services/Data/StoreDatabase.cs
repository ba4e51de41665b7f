using Npgsql;
using Observability.SampleWorkload.Services.Hosting;
using Observability.SampleWorkload.Shared;

namespace Observability.SampleWorkload.Services.Data;

/// <summary>
/// Read-write splitting: writes (and reads that must see the caller's own writes) go to <see cref="Primary"/>, catalog
/// and history reads to <see cref="Replica"/>, which is the primary itself until phase 3 gives a replica.
/// Each is a pooled <see cref="NpgsqlDataSource"/>.
/// </summary>
internal sealed class StoreDatabase : IAsyncDisposable
{
    public const int StorefrontPoolSize = 16;
    public const int ServicePoolSize = 8;
    private const int DefaultMaxPoolSize = 100;

    private StoreDatabase(NpgsqlDataSource primary, NpgsqlDataSource? replica)
    {
        Primary = primary;
        Replica = replica ?? primary;
        HasReplica = replica is not null;
    }

    public NpgsqlDataSource Primary { get; }
    public NpgsqlDataSource Replica { get; }
    public bool HasReplica { get; }

    public static StoreDatabase Create(ServiceSettings settings)
    {
        var serviceName = KnownRoles.ServiceName(settings.Role);
        // PostgreSQL allows 100 connections by default, shared by every instance of every service: three storefronts
        // and three extracted services must fit, so each process keeps a small pool unless its connection string says otherwise.
        var poolSize = settings.Role == KnownRoles.Storefront ? StorefrontPoolSize : ServicePoolSize;
        var primary = Build(settings.PrimaryDatabase, serviceName, "primary", poolSize);
        var replica = settings.ReplicaDatabase is null ? null : Build(settings.ReplicaDatabase, serviceName, "replica", poolSize);
        return new StoreDatabase(primary, replica);
    }

    private static NpgsqlDataSource Build(string connectionString, string serviceName, string name, int poolSize)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = name };
        if (builder.ConnectionStringBuilder.MaxPoolSize == DefaultMaxPoolSize)
        {
            builder.ConnectionStringBuilder.MaxPoolSize = poolSize;
        }
        // Short connect and command timeouts: an unreachable database shows as fast errors and a 503 health check,
        // not as requests that hang for the default 30 s.
        builder.ConnectionStringBuilder.ApplicationName ??= serviceName;
        if (builder.ConnectionStringBuilder.Timeout == 15)
        {
            builder.ConnectionStringBuilder.Timeout = 3;
        }
        if (builder.ConnectionStringBuilder.CommandTimeout == 30)
        {
            builder.ConnectionStringBuilder.CommandTimeout = 10;
        }
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        await Primary.DisposeAsync();
        if (HasReplica)
        {
            await Replica.DisposeAsync();
        }
    }
}

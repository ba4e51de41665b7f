using System.Net.Sockets;
using System.Text;
using Observability.SampleWorkload.Faults;
using Observability.SampleWorkload.Infrastructure;
using Observability.SampleWorkload.Launcher;
using Observability.SampleWorkload.Tests.Launcher;
using StackExchange.Redis;

namespace Observability.SampleWorkload.Tests.Infrastructure;

/// <summary>The launcher's own redis-server: password required, and the cache-down fault takes it away and back.</summary>
public sealed class RedisServerTests : IAsyncLifetime
{
    private readonly TempDataFolder _folder = new();
    private RedisServer? _redis;

    private RedisServer Redis => _redis ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync(Path.Combine(_folder.Path, "redis"));

    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.StopAsync();
        }
        _folder.Dispose();
    }

    [Fact]
    public async Task It_serves_clients_that_give_the_password_and_refuses_the_others()
    {
        await using var client = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        await client.GetDatabase().StringSetAsync("greeting", "hello");
        Assert.Equal("hello", (string?)await client.GetDatabase().StringGetAsync("greeting"));

        using var anonymous = new TcpClient();
        await anonymous.ConnectAsync("127.0.0.1", Redis.Port);
        await anonymous.GetStream().WriteAsync("GET greeting\r\n"u8.ToArray());
        var buffer = new byte[128];
        var read = await anonymous.GetStream().ReadAsync(buffer);
        Assert.StartsWith("-NOAUTH", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cache_down_makes_it_unavailable_until_the_fault_ends()
    {
        var timeout = TimeSpan.FromMilliseconds(500);
        var context = new FaultContext
        {
            Phase = 2,
            Supervisor = new ServiceSupervisor(TestSupervisor.Options(_folder.Path), []),
            Databases = null,
            OwnRedis = Redis,
            ControlToken = "unused",
        };
        var fault = new CacheDownEffect(context, durationSeconds: 30);
        Assert.True(await Redis.PingAsync(timeout));

        await fault.StartAsync(CancellationToken.None);
        var duringFault = await Redis.PingAsync(timeout);
        await fault.EndAsync(CancellationToken.None);
        var afterFault = await Redis.PingAsync(timeout);

        Assert.False(duringFault);
        Assert.True(afterFault);
    }
}

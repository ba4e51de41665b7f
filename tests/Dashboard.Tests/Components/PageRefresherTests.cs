using Microsoft.Extensions.Time.Testing;
using Observability.Dashboard.Components.Shared;
using Observability.Dashboard.Hosting;

namespace Observability.Dashboard.Tests.Components;

public sealed class PageRefresherTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Ticks_every_period_never_faster_than_two_seconds_and_not_after_the_page_closed()
    {
        var ticks = 0;
        var refresher = new PageRefresher();

        refresher.Start(TimeSpan.FromMilliseconds(500), _time, () => { Interlocked.Increment(ref ticks); return Task.CompletedTask; });
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        var beforeTwoSeconds = Volatile.Read(ref ticks);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitForAsync(() => Volatile.Read(ref ticks) == 1);
        await refresher.DisposeAsync();
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(0, beforeTwoSeconds);
        Assert.Equal(1, Volatile.Read(ref ticks));
    }

    [Fact]
    public async Task A_second_start_does_not_add_a_second_timer()
    {
        var ticks = 0;
        await using var refresher = new PageRefresher();
        Func<Task> tick = () => { Interlocked.Increment(ref ticks); return Task.CompletedTask; };

        refresher.Start(TimeSpan.FromSeconds(2), _time, tick);
        refresher.Start(TimeSpan.FromSeconds(2), _time, tick);
        _time.Advance(TimeSpan.FromSeconds(2));
        await WaitForAsync(() => Volatile.Read(ref ticks) >= 1);
        await Task.Delay(50);

        Assert.Equal(1, Volatile.Read(ref ticks));
    }

    [Fact]
    public async Task Reads_asked_at_once_run_one_after_the_other()
    {
        await using var refresher = new PageRefresher();
        var running = 0;
        var most = 0;
        async Task ReadAsync()
        {
            var now = Interlocked.Increment(ref running);
            most = Math.Max(most, now);
            await Task.Delay(20);
            Interlocked.Decrement(ref running);
        }

        await Task.WhenAll(refresher.ExclusiveAsync(ReadAsync), refresher.ExclusiveAsync(ReadAsync), refresher.ExclusiveAsync(ReadAsync));

        Assert.Equal(1, most);
    }

    [Theory]
    [InlineData(500, 2000)]
    [InlineData(2000, 2000)]
    [InlineData(5000, 5000)]
    public void The_configured_period_is_throttled_to_two_seconds(int configured, int used)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(used), PageRefresher.Period(new DashboardOptions { RefreshMilliseconds = configured }));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        Assert.True(condition(), "the tick did not run");
    }
}

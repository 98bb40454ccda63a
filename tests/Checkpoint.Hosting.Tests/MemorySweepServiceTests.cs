using System.Threading.Channels;
using Checkpoint.Hosting;
using Checkpoint.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Checkpoint.Hosting.Tests;

/// <summary>The memory sweep in a real host, on a fake clock shared by the host and the store: nothing sleeps.</summary>
public sealed class MemorySweepServiceTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(30);
    private static readonly MemoryNamespace Users = MemoryNamespace.Of("users", "1");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly Channel<MemorySweepSummary> _sweeps = Channel.CreateUnbounded<MemorySweepSummary>();

    [Fact]
    public async Task Expired_items_are_purged_at_the_first_interval_after_their_expiry_and_groups_kept_within_capacity()
    {
        await using var store = new InMemoryMemoryStore(new MemoryStoreOptions
        {
            TimeProvider = _clock,
            Capacity = [new CapacityLimit("users/*", 2)],
        });
        await store.PutManyAsync(
        [
            new MemoryWrite { Namespace = Users, Key = "a", Content = "one", Importance = 0.9 },
            new MemoryWrite { Namespace = Users, Key = "b", Content = "two", Importance = 0.8 },
            new MemoryWrite { Namespace = Users, Key = "c", Content = "three", Importance = 0.1 },
            new MemoryWrite { Namespace = Users, Key = "soon", Content = "expires", TimeToLive = TimeSpan.FromMinutes(45), Importance = 1 },
        ]);
        using var host = BuildHost(store);

        await host.StartAsync();
        var first = await NextSweepAsync();
        Assert.Empty(first.Expired);
        Assert.Equal(["c", "b"], first.Evicted.Select(item => item.Key)); // 4 items in a group of 2: the least relevant go

        _clock.Advance(Interval);
        Assert.Empty((await NextSweepAsync()).Expired); // 30 minutes: not yet expired
        _clock.Advance(Interval);
        var third = await NextSweepAsync();
        await host.StopAsync();

        Assert.Equal(["soon"], third.Expired.Select(item => item.Key));
        Assert.Same(third, host.Services.GetRequiredService<MemorySweepService>().LastSummary);
        Assert.Equal(["a"], (await store.SearchAsync(new MemorySearch { NamespacePrefix = Users })).Select(hit => hit.Item.Key));
    }

    [Fact]
    public async Task A_non_positive_interval_fails_the_host_start_with_a_message_naming_the_option()
    {
        await using var store = new InMemoryMemoryStore();
        using var host = BuildHost(store, TimeSpan.Zero);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("MemorySweepOptions.Interval", error.Message, StringComparison.Ordinal);
    }

    private IHost BuildHost(MemoryStore store, TimeSpan? interval = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddMemorySweeper(options =>
        {
            options.Interval = interval ?? Interval;
            options.OnSweepCompleted = (summary, token) => _sweeps.Writer.WriteAsync(summary, token);
        });
        return builder.Build();
    }

    private async Task<MemorySweepSummary> NextSweepAsync() =>
        await _sweeps.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
}

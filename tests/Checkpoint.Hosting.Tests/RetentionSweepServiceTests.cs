using System.Threading.Channels;
using Checkpoint.Conformance;
using Checkpoint.Hosting;
using Checkpoint.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Hosting.Tests;

/// <summary>The sweep service in a real host, on a fake clock: time is advanced, sweeps are awaited, nothing sleeps.</summary>
public sealed class RetentionSweepServiceTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _clock = new(Epoch);
    private readonly Channel<RetentionSweepSummary> _sweeps = Channel.CreateUnbounded<RetentionSweepSummary>();

    [Fact]
    public async Task The_service_sweeps_on_start_and_then_every_interval()
    {
        var saver = new InMemoryCheckpointSaver();
        await PutChainAsync(saver, "a", 3);
        await PutChainAsync(saver, "b", 2);
        using var host = BuildHost(saver);

        await host.StartAsync();
        var first = await NextSweepAsync();
        Assert.Equal((2, 2, 3L, 0), (first.Threads, first.ThreadsPruned, first.CheckpointsDeleted, first.ThreadsFailed));

        await PutChainAsync(saver, "c", 4);
        _clock.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.False(_sweeps.Reader.TryRead(out _), "no sweep before the interval");
        _clock.Advance(TimeSpan.FromSeconds(1));
        var second = await NextSweepAsync();
        Assert.Equal((3, 1, 3L), (second.Threads, second.ThreadsPruned, second.CheckpointsDeleted));
        Assert.Same(second, host.Services.GetRequiredService<RetentionSweepService>().LastSummary);

        _clock.Advance(Interval);
        Assert.Equal(0, (await NextSweepAsync()).CheckpointsDeleted);
        await host.StopAsync();
        Assert.Single(await ListAsync(saver, "c"));
    }

    [Fact]
    public async Task The_age_rule_measures_from_the_hosts_clock()
    {
        var saver = new InMemoryCheckpointSaver();
        await PutChainAsync(saver, "a", 4); // created at Epoch + 1s .. + 4s
        using var host = BuildHost(saver, RetentionPolicy.YoungerThan(TimeSpan.FromMinutes(10)), sweepOnStart: false);
        await host.StartAsync();

        _clock.Advance(Interval);
        Assert.Equal(3, (await NextSweepAsync()).CheckpointsDeleted); // 30 minutes on, only the latest is left
        await host.StopAsync();
    }

    [Fact]
    public async Task A_failed_sweep_is_logged_and_the_next_interval_sweeps_again()
    {
        var inner = new InMemoryCheckpointSaver();
        await PutChainAsync(inner, "a", 3);
        var saver = new FlakyListing(inner);
        using var host = BuildHost(saver);

        await host.StartAsync();
        _clock.Advance(Interval);
        var summary = await NextSweepAsync();
        await host.StopAsync();

        Assert.Equal(2, saver.Listings);
        Assert.Equal((1, 2L), (summary.Threads, summary.CheckpointsDeleted));
    }

    [Fact]
    public async Task Stopping_the_host_stops_the_sweeps()
    {
        var saver = new InMemoryCheckpointSaver();
        using var host = BuildHost(saver);
        await host.StartAsync();
        await NextSweepAsync();

        await host.StopAsync();
        await PutChainAsync(saver, "a", 3);
        _clock.Advance(Interval * 3);

        Assert.False(_sweeps.Reader.TryRead(out _));
        Assert.Equal(3, (await ListAsync(saver, "a")).Count);
    }

    [Fact]
    public async Task Invalid_options_fail_the_host_start()
    {
        using var noPolicy = BuildHost(new InMemoryCheckpointSaver(), withPolicy: false);
        using var noInterval = BuildHost(new InMemoryCheckpointSaver(), interval: TimeSpan.Zero);

        var missing = await Assert.ThrowsAsync<OptionsValidationException>(() => noPolicy.StartAsync());
        await Assert.ThrowsAsync<OptionsValidationException>(() => noInterval.StartAsync());
        Assert.Contains("Policy", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_service_sweeps_a_sqlite_saver()
    {
        var path = Path.Combine(Path.GetTempPath(), $"retention-{Guid.NewGuid():N}.db");
        try
        {
            await using (var saver = new Sqlite.SqliteCheckpointSaver($"Data Source={path}"))
            {
                await PutChainAsync(saver, "a", 5);
                using var host = BuildHost(saver, RetentionPolicy.EveryKthStep(2));
                await host.StartAsync();
                Assert.Equal(1, (await NextSweepAsync()).CheckpointsDeleted); // steps -1, 0, 2 and the latest (3) stay
                await host.StopAsync();
                Assert.Equal([3, 2, 0, -1], (await ListAsync(saver, "a")).Select(tuple => tuple.Checkpoint.Step));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    private IHost BuildHost(
        CheckpointSaver saver, RetentionPolicy? policy = null, bool sweepOnStart = true, TimeSpan? interval = null, bool withPolicy = true)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(saver);
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddCheckpointRetention(options =>
        {
            options.Policy = withPolicy ? policy ?? RetentionPolicy.Latest(1) : null;
            options.Interval = interval ?? Interval;
            options.SweepOnStart = sweepOnStart;
            options.OnSweepCompleted = (summary, token) => _sweeps.Writer.WriteAsync(summary, token);
        });
        return builder.Build();
    }

    private async Task<RetentionSweepSummary> NextSweepAsync() =>
        await _sweeps.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    private static async Task PutChainAsync(CheckpointSaver saver, string thread, int count)
    {
        Guid? parent = null;
        for (var i = 0; i < count; i++)
        {
            var record = Record(thread, parentId: parent, step: i - 1);
            await saver.PutAsync(record, [], PutMode.Continue);
            parent = record.Id;
        }
    }

    private static Task<List<CheckpointTuple>> ListAsync(CheckpointSaver saver, string thread) =>
        ToListAsync(saver.ListAsync(new CheckpointFilter { ThreadId = thread }));

    /// <summary>A saver whose first thread listing fails (a store hiccup).</summary>
    private sealed class FlakyListing(CheckpointSaver inner) : DelegatingSaver(inner)
    {
        public int Listings { get; private set; }

        protected override Task<IReadOnlyList<string>> ListThreadsCoreAsync(string? after, int limit, CancellationToken cancellationToken) =>
            ++Listings == 1 ? throw new InvalidOperationException("store hiccup") : base.ListThreadsCoreAsync(after, limit, cancellationToken);
    }
}

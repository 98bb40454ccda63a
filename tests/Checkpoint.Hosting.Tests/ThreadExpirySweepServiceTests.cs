using System.Threading.Channels;
using Checkpoint.Hosting;
using Checkpoint.Sqlite;
using Checkpoint.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Hosting.Tests;

/// <summary>The thread expiry sweep in a real host on a SQLite file, on a fake clock shared by the host and the saver: nothing sleeps.</summary>
public sealed class ThreadExpirySweepServiceTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(45);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly Channel<ThreadExpirySweepSummary> _sweeps = Channel.CreateUnbounded<ThreadExpirySweepSummary>();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "checkpoint-hosting-tests", Guid.NewGuid().ToString("N"));

    public ThreadExpirySweepServiceTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Expired_threads_are_deleted_at_the_first_interval_after_their_expiry()
    {
        await using var saver = new SqliteCheckpointSaver(
            Path.Combine(_directory, "agent.db"), new SqliteCheckpointSaverOptions { ThreadTimeToLive = Ttl, TimeProvider = _clock });
        await saver.PutAsync(Record("early"), [], PutMode.Continue);
        _clock.Advance(TimeSpan.FromMinutes(20));
        var late = Record("late");
        await saver.PutAsync(late, [], PutMode.Continue);
        using var host = BuildHost(saver);

        await host.StartAsync();
        Assert.Equal(0, (await NextSweepAsync()).ThreadsPurged); // on start: nothing has expired

        _clock.Advance(Interval); // 50 minutes after "early", 30 after "late"
        Assert.Equal(1, (await NextSweepAsync()).ThreadsPurged);
        _clock.Advance(Interval); // 60 after "late"
        var third = await NextSweepAsync();
        await host.StopAsync();

        Assert.Equal(1, third.ThreadsPurged);
        Assert.Same(third, host.Services.GetRequiredService<ThreadExpirySweepService>().LastSummary);
        Assert.Empty(await ToListAsync(saver.ListThreadsAsync()));
        Assert.Equal(0, await saver.PurgeExpiredThreadsAsync());
    }

    [Fact]
    public async Task A_non_positive_interval_fails_the_host_start_with_a_message_naming_the_option()
    {
        await using var saver = new InMemoryCheckpointSaver();
        using var host = BuildHost(saver, TimeSpan.Zero);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("ThreadExpirySweepOptions.Interval", error.Message, StringComparison.Ordinal);
    }

    private IHost BuildHost(CheckpointSaver saver, TimeSpan? interval = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(saver);
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddCheckpointThreadExpiry(options =>
        {
            options.Interval = interval ?? Interval;
            options.OnSweepCompleted = (summary, token) => _sweeps.Writer.WriteAsync(summary, token);
        });
        return builder.Build();
    }

    private async Task<ThreadExpirySweepSummary> NextSweepAsync() =>
        await _sweeps.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
}

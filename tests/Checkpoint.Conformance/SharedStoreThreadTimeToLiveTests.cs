using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

/// <summary>
/// Thread time to live on savers whose instances share one store (SQLite file, PostgreSQL schema): every saver a test
/// creates with <see cref="ThreadTimeToLiveTests.CreateSaverAsync"/> opens the same store, so a saver without a time
/// to live sees the rows that expiry hides, and threads written without one can be read by a saver that has one.
/// </summary>
public abstract class SharedStoreThreadTimeToLiveTests : ThreadTimeToLiveTests
{
    [Fact]
    public async Task Expired_rows_stay_stored_until_the_purge_deletes_them()
    {
        var thread = NewThread();
        var (record, blob) = await PutWithChunkAsync(thread);
        await Saver.PutWritesAsync(thread, "", record.Id, [Write("task", 0, "c", "w")]);
        var observer = await CreateAsync(null);
        Clock.Advance(Ttl);

        Assert.Null(await Saver.GetAsync(thread, "", null));
        Assert.NotNull(await observer.GetAsync(thread, "", null)); // hidden, not deleted

        Assert.Equal(1, await Saver.PurgeExpiredThreadsAsync());

        Assert.Null(await observer.GetAsync(thread, "", null));
        Assert.Null(await observer.GetByIdAsync(record.Id));
        Assert.Empty(await observer.ReadChunksAsync(thread, "", [new BlobRun(blob, 2)]));
        Assert.Empty(await ToListAsync(observer.ListThreadsAsync()));
    }

    [Fact]
    public async Task Threads_written_without_a_time_to_live_expire_from_their_newest_checkpoint_at_the_first_purge()
    {
        var legacy = await CreateAsync(null);
        var (old, recent) = (NewThread(), NewThread());
        var oldRecord = Record(old) with { CreatedAt = Clock.GetUtcNow() - Ttl - TimeSpan.FromMinutes(1) };
        var recentRecord = Record(recent) with { CreatedAt = Clock.GetUtcNow() - TimeSpan.FromMinutes(10) };
        await legacy.PutAsync(oldRecord, [], PutMode.Continue);
        await legacy.PutAsync(recentRecord, [], PutMode.Continue);

        // Never stamped: visible until a purge stamps them (reads cannot tell their age).
        Assert.NotNull(await Saver.GetAsync(old, "", null));
        Assert.Equal(1, await Saver.PurgeExpiredThreadsAsync());

        Assert.Null(await Saver.GetAsync(old, "", null));
        Assert.Null(await legacy.GetAsync(old, "", null));
        AssertSameRecord(recentRecord, (await Saver.GetAsync(recent, "", null))?.Checkpoint);
        Clock.Advance(TimeSpan.FromMinutes(50));
        Assert.Null(await Saver.GetAsync(recent, "", null));
        Assert.Equal(1, await Saver.PurgeExpiredThreadsAsync());
    }

    [Fact]
    public async Task A_put_onto_a_thread_written_without_a_time_to_live_keeps_its_history()
    {
        var legacy = await CreateAsync(null);
        var thread = NewThread();
        var first = Record(thread) with { CreatedAt = Clock.GetUtcNow() - TimeSpan.FromDays(300) };
        await legacy.PutAsync(first, [], PutMode.Continue);

        var second = await PutAsync(Record(thread, parentId: first.Id, step: 1));

        Assert.Equal(NewestIds([first, second]), (await ListAsync(new CheckpointFilter { ThreadId = thread })).Select(t => t.Checkpoint.Id));
        Assert.Equal(0, await Saver.PurgeExpiredThreadsAsync()); // the put stamped it: it lives from now
    }
}

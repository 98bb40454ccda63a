using Checkpoint.Storage;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

/// <summary>
/// Thread time to live on a saver that keeps it with its own clock (in-memory, SQLite, PostgreSQL): a thread
/// expires <see cref="Ttl"/> after its last put, is then invisible to every read at once, and is removed by
/// <see cref="CheckpointSaver.PurgeExpiredThreadsAsync"/>. Time is a <see cref="FakeTimeProvider"/>: nothing sleeps.
/// (Redis expires keys on the server's clock, so it keeps its own tests.)
/// </summary>
public abstract class ThreadTimeToLiveTests : IAsyncLifetime
{
    /// <summary>The time to live of <see cref="Saver"/>.</summary>
    protected static readonly TimeSpan Ttl = TimeSpan.FromHours(1);

    private readonly List<CheckpointSaver> _savers = [];
    private CheckpointSaver? _saver;

    /// <summary>The clock of every saver of the test.</summary>
    protected FakeTimeProvider Clock { get; } = new(Epoch.AddDays(30));

    /// <summary>A saver with <see cref="Ttl"/> on <see cref="Clock"/>, fresh and empty for each test.</summary>
    protected CheckpointSaver Saver => _saver ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _saver = await CreateAsync(Ttl);

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        foreach (var saver in _savers)
        {
            await saver.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task A_time_to_live_that_is_not_positive_is_refused_naming_the_option(int seconds)
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => CreateSaverAsync(TimeSpan.FromSeconds(seconds), Clock));

        Assert.Contains("ThreadTimeToLive must be positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_thread_is_visible_until_its_time_to_live_has_passed()
    {
        var thread = NewThread();
        var (record, blob) = await PutWithChunkAsync(thread);
        await Saver.PutWritesAsync(thread, "", record.Id, [Write("task", 0, "c", "pending")]);

        Clock.Advance(Ttl - TimeSpan.FromSeconds(1));

        AssertSameRecord(record, (await Saver.GetAsync(thread, "", null))?.Checkpoint);
        Assert.Equal("pending", WriteValue(Assert.Single((await Saver.GetAsync(thread, "", record.Id))!.PendingWrites)));
        Assert.NotNull(await Saver.GetByIdAsync(record.Id));
        Assert.Single(await ListAsync(new CheckpointFilter { ThreadId = thread }));
        Assert.Contains(thread, await ToListAsync(Saver.ListThreadsAsync()));
        Assert.Equal(["a", "b"], Items(await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 2)])));
    }

    [Fact]
    public async Task An_expired_thread_is_invisible_to_every_read_at_once()
    {
        var thread = NewThread();
        var (first, blob) = await PutWithChunkAsync(thread, metadata: Map("owner", thread));
        var record = await PutAsync(Record(thread, parentId: first.Id, step: 1, metadata: Map("owner", thread)));
        var child = await PutAsync(Record(thread, "child"));
        await Saver.PutWritesAsync(thread, "", record.Id, [Write("task", 0, "c", "pending")]);
        Clock.Advance(Ttl - TimeSpan.FromMinutes(1));
        var other = NewThread();
        var live = await PutAsync(Record(other, "child"));
        Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Null(await Saver.GetAsync(thread, "", null));
        Assert.Null(await Saver.GetAsync(thread, "", record.Id));
        Assert.Null(await Saver.GetAsync(thread, "child", child.Id));
        Assert.Null(await Saver.GetByIdAsync(record.Id));
        Assert.Empty(await ListAsync(new CheckpointFilter { ThreadId = thread }));
        Assert.Empty(await ListAsync(new CheckpointFilter { ThreadId = thread, Namespace = "child" }));
        Assert.Equal([live.Id], (await ListAsync(new CheckpointFilter { Namespace = "child" })).Select(t => t.Checkpoint.Id));
        Assert.Empty(await ListAsync(new CheckpointFilter { Metadata = Map("owner", thread) }));
        Assert.Equal([live.Id], (await ListAsync(new CheckpointFilter())).Select(t => t.Checkpoint.Id));
        Assert.Equal([other], await ToListAsync(Saver.ListThreadsAsync()));
        Assert.Empty(await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 2)]));
        Assert.Equal(0, await Saver.PruneAsync(thread, RetentionPolicy.Latest(1))); // a live thread would lose its first checkpoint
        var copy = await Assert.ThrowsAsync<InvalidOperationException>(() => Saver.CopyThreadAsync(thread, NewThread()));
        Assert.Contains("no checkpoints", copy.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_put_refreshes_the_expiry()
    {
        var thread = NewThread();
        var first = await PutAsync(Record(thread));
        Clock.Advance(TimeSpan.FromMinutes(40));
        var second = await PutAsync(Record(thread, parentId: first.Id, step: 1));

        Clock.Advance(TimeSpan.FromMinutes(40)); // 80 minutes after the first put, 40 after the last
        Assert.Equal([second.Id, first.Id], (await ListAsync(new CheckpointFilter { ThreadId = thread })).Select(t => t.Checkpoint.Id));

        Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Null(await Saver.GetAsync(thread, "", null));
    }

    [Fact]
    public async Task A_writes_put_refreshes_the_expiry_of_the_whole_thread()
    {
        var thread = NewThread();
        var record = await PutAsync(Record(thread));
        var child = await PutAsync(Record(thread, "child"));
        Clock.Advance(TimeSpan.FromMinutes(40));
        await Saver.PutWritesAsync(thread, "child", child.Id, [Write("task", 0, "c", "late")]);

        Clock.Advance(TimeSpan.FromMinutes(40));
        AssertSameRecord(record, (await Saver.GetAsync(thread, "", null))?.Checkpoint);
        Assert.Equal("late", WriteValue(Assert.Single((await Saver.GetAsync(thread, "child", null))!.PendingWrites)));

        Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Null(await Saver.GetAsync(thread, "", null));
        Assert.Null(await Saver.GetAsync(thread, "child", null));
    }

    [Fact]
    public async Task A_put_onto_an_expired_thread_starts_a_fresh_thread()
    {
        var thread = NewThread();
        var (old, blob) = await PutWithChunkAsync(thread);
        var oldChild = await PutAsync(Record(thread, "child"));
        await Saver.PutWritesAsync(thread, "", old.Id, [Write("task", 0, "c", "old")]);
        Clock.Advance(Ttl);

        // A parentless Continue put conflicts with any checkpoint of its namespace: it succeeds only on a fresh thread.
        var fresh = await PutAsync(Record(thread));

        var tuples = await ListAsync(new CheckpointFilter { ThreadId = thread });
        AssertSameRecord(fresh, Assert.Single(tuples).Checkpoint);
        Assert.Empty(tuples[0].PendingWrites);
        Assert.Null(await Saver.GetAsync(thread, "", old.Id));
        Assert.Null(await Saver.GetByIdAsync(old.Id));
        Assert.Null(await Saver.GetAsync(thread, "child", null));
        Assert.Null(await Saver.GetByIdAsync(oldChild.Id));
        Assert.Empty(await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 2)]));

        Clock.Advance(Ttl - TimeSpan.FromSeconds(1)); // the fresh thread lives a full time to live from its put
        Assert.NotNull(await Saver.GetAsync(thread, "", null));
    }

    [Fact]
    public async Task A_writes_put_onto_an_expired_thread_does_not_bring_its_checkpoints_back()
    {
        var thread = NewThread();
        var old = await PutAsync(Record(thread));
        Clock.Advance(Ttl);

        await Saver.PutWritesAsync(thread, "", old.Id, [Write("task", 0, "c", "late")]);

        Assert.Null(await Saver.GetAsync(thread, "", old.Id));
        Assert.Empty(await ListAsync(new CheckpointFilter { ThreadId = thread }));
        var fresh = await PutAsync(Record(thread));
        AssertSameRecord(fresh, Assert.Single(await ListAsync(new CheckpointFilter { ThreadId = thread })).Checkpoint);
    }

    [Fact]
    public async Task A_copy_counts_as_a_put_to_its_target_and_replaces_an_expired_target()
    {
        var (source, target) = (NewThread(), NewThread());
        await PutAsync(Record(target));
        Clock.Advance(Ttl);
        var record = await PutAsync(Record(source));

        await Saver.CopyThreadAsync(source, target); // the expired target counts as empty

        var copied = Assert.Single(await ListAsync(new CheckpointFilter { ThreadId = target }));
        Assert.Equal(record.Step, copied.Checkpoint.Step);
        Clock.Advance(Ttl - TimeSpan.FromSeconds(1));
        Assert.NotNull(await Saver.GetAsync(target, "", null));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await Saver.GetAsync(target, "", null));
    }

    [Fact]
    public async Task Purge_removes_only_the_expired_threads_and_returns_how_many()
    {
        var expired = new[] { NewThread(), NewThread(), NewThread() };
        foreach (var thread in expired)
        {
            var (record, _) = await PutWithChunkAsync(thread);
            await PutAsync(Record(thread, "child"));
            await Saver.PutWritesAsync(thread, "", record.Id, [Write("task", 0, "c", "w")]);
        }

        Clock.Advance(TimeSpan.FromMinutes(30));
        var live = NewThread();
        var (kept, keptBlob) = await PutWithChunkAsync(live);
        await Saver.PutWritesAsync(live, "", kept.Id, [Write("task", 0, "c", "kept")]);
        Clock.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal(3, await Saver.PurgeExpiredThreadsAsync());
        Assert.Equal(0, await Saver.PurgeExpiredThreadsAsync());

        var tuple = await Saver.GetAsync(live, "", null);
        AssertSameRecord(kept, tuple?.Checkpoint);
        Assert.Equal("kept", WriteValue(Assert.Single(tuple!.PendingWrites)));
        Assert.Equal(["a", "b"], Items(await Saver.ReadChunksAsync(live, "", [new BlobRun(keptBlob, 2)])));
        Assert.Equal([live], await ToListAsync(Saver.ListThreadsAsync()));

        Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(1, await Saver.PurgeExpiredThreadsAsync());
    }

    [Fact]
    public async Task A_deleted_thread_is_not_purged_again()
    {
        var thread = NewThread();
        await PutAsync(Record(thread));
        await Saver.DeleteThreadAsync(thread);
        Clock.Advance(Ttl);

        Assert.Equal(0, await Saver.PurgeExpiredThreadsAsync());
    }

    [Fact]
    public async Task Purge_without_a_time_to_live_removes_nothing()
    {
        var saver = await CreateAsync(null);
        var thread = NewThread();
        var record = Record(thread);
        await saver.PutAsync(record, [], PutMode.Continue);
        Clock.Advance(TimeSpan.FromDays(3650));

        Assert.Null(saver.ThreadTimeToLive);
        Assert.Equal(0, await saver.PurgeExpiredThreadsAsync());
        AssertSameRecord(record, (await saver.GetAsync(thread, "", null))?.Checkpoint);
    }

    [Fact]
    public async Task Purge_while_other_threads_and_the_expired_ones_are_written_is_safe()
    {
        var expired = Enumerable.Range(0, 5).Select(_ => NewThread()).ToList();
        foreach (var thread in expired)
        {
            await PutWithChunkAsync(thread);
        }

        Clock.Advance(Ttl);
        var busy = NewThread();
        var revived = expired[0];

        async Task<List<CheckpointRecord>> WriteAsync(string thread)
        {
            var records = new List<CheckpointRecord>();
            Guid? parent = null;
            for (var step = 0; step < 20; step++)
            {
                var record = Record(thread, parentId: parent, step: step);
                await Saver.PutAsync(record, [], PutMode.Continue);
                await Saver.PutWritesAsync(thread, "", record.Id, [Write("task", 0, "c", $"w{step}")]);
                records.Add(record);
                parent = record.Id;
            }

            return records;
        }

        var busyWrites = Task.Run(() => WriteAsync(busy));
        var revivedWrites = Task.Run(() => WriteAsync(revived));
        var purged = await Saver.PurgeExpiredThreadsAsync();
        var (busyRecords, revivedRecords) = (await busyWrites, await revivedWrites);

        // The revived thread was purged before its first put or refreshed by it: 4 or 5 threads went, never its new data.
        Assert.InRange(purged, 4, 5);
        foreach (var (thread, records) in new[] { (busy, busyRecords), (revived, revivedRecords) })
        {
            var tuples = await ListAsync(new CheckpointFilter { ThreadId = thread });
            Assert.Equal(NewestIds(records), tuples.Select(t => t.Checkpoint.Id));
            Assert.Equal("w19", WriteValue(Assert.Single(tuples[0].PendingWrites)));
        }

        Assert.Equal(new[] { busy, revived }.Order(StringComparer.Ordinal), await ToListAsync(Saver.ListThreadsAsync()));
    }

    [Fact]
    public async Task Erasure_purges_expired_threads_first()
    {
        var thread = NewThread();
        await PutAsync(Record(thread, metadata: Map(RunConfig.SubjectMetadataKey, "subject-1")));
        var other = NewThread();
        var kept = await PutAsync(Record(other, metadata: Map(RunConfig.SubjectMetadataKey, "subject-2")));
        Clock.Advance(Ttl - TimeSpan.FromSeconds(1));
        await PutAsync(Record(other, parentId: kept.Id, step: 1));
        Clock.Advance(TimeSpan.FromSeconds(1));

        var receipt = await Saver.EraseSubjectAsync("subject-1");

        Assert.Equal(0, receipt.Threads); // its only thread had expired: purged, not listed
        Assert.Equal(0, await Saver.PurgeExpiredThreadsAsync());
        Assert.Equal(2, (await ListAsync(new CheckpointFilter { ThreadId = other })).Count);
    }

    /// <summary>Creates a saver with this time to live (null: none) on <paramref name="timeProvider"/>; it is disposed by the caller.</summary>
    protected abstract Task<CheckpointSaver> CreateSaverAsync(TimeSpan? threadTimeToLive, TimeProvider timeProvider);

    /// <summary>A saver on <see cref="Clock"/>, disposed after the test.</summary>
    protected async Task<CheckpointSaver> CreateAsync(TimeSpan? threadTimeToLive)
    {
        var saver = await CreateSaverAsync(threadTimeToLive, Clock);
        _savers.Add(saver);
        return saver;
    }

    /// <summary>A thread id no other test uses.</summary>
    protected static string NewThread() => $"ttl-{Guid.NewGuid():N}";

    /// <summary>Ids newest first.</summary>
    protected static List<Guid> NewestIds(IEnumerable<CheckpointRecord> records) =>
        records.Select(r => r.Id).Order(CheckpointIdComparer.Instance).Reverse().ToList();

    /// <summary>Puts a record with Continue and returns it.</summary>
    protected async Task<CheckpointRecord> PutAsync(CheckpointRecord record)
    {
        await Saver.PutAsync(record, [], PutMode.Continue);
        return record;
    }

    /// <summary>Puts a root checkpoint whose list channel holds "a", "b" in one chunk; returns it and the blob id.</summary>
    protected async Task<(CheckpointRecord Record, Guid Blob)> PutWithChunkAsync(
        string thread, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var blob = Guid.NewGuid();
        var record = Record(thread, channels: Map("list", Chunked(1, new BlobRun(blob, 2))), metadata: metadata);
        await Saver.PutAsync(record, [Chunk(blob, 0, "a", "b")], PutMode.Continue);
        return (record, blob);
    }

    /// <summary>Every checkpoint matching the filter.</summary>
    protected Task<List<CheckpointTuple>> ListAsync(CheckpointFilter filter) => ToListAsync(Saver.ListAsync(filter));
}

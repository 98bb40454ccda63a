using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

public abstract partial class CheckpointSaverConformanceTests
{
    [Fact]
    public async Task Get_of_a_nonexistent_thread_is_null()
    {
        Assert.Null(await Saver.GetAsync(NewThread(), "", null));
        Assert.Null(await Saver.GetAsync(NewThread(), "", CheckpointIds.NewId()));
    }

    [Fact]
    public async Task Get_of_a_nonexistent_id_in_an_existing_thread_is_null()
    {
        var thread = NewThread();
        await PutChainAsync(thread, 2);

        Assert.Null(await Saver.GetAsync(thread, "", CheckpointIds.NewId()));
    }

    [Fact]
    public async Task Get_without_id_returns_the_latest()
    {
        var thread = NewThread();
        var chain = await PutChainAsync(thread, 5);

        var latest = await Saver.GetAsync(thread, "", null);

        AssertSameRecord(chain[^1], latest!.Checkpoint);
    }

    [Fact]
    public async Task Get_latest_is_the_highest_id_not_the_last_put()
    {
        var thread = NewThread();
        var root = Record(thread);
        var older = Record(thread, parentId: root.Id, step: 1);
        var newer = Record(thread, parentId: root.Id, step: 1);
        await PutAsync(root);
        await PutAsync(newer, PutMode.Branch);
        await PutAsync(older, PutMode.Branch);

        Assert.Equal(newer.Id, (await Saver.GetAsync(thread, "", null))!.Checkpoint.Id);
    }

    [Fact]
    public async Task Get_with_id_returns_that_checkpoint()
    {
        var thread = NewThread();
        var chain = await PutChainAsync(thread, 4);

        for (var i = 0; i < chain.Count; i++)
        {
            var read = await Saver.GetAsync(thread, "", chain[i].Id);
            AssertSameRecord(chain[i], read!.Checkpoint);
            Assert.Equal(i, Value<int>(read.Checkpoint, "counter"));
        }
    }

    [Fact]
    public async Task Get_with_an_id_of_another_thread_is_null()
    {
        var (a, b) = (NewThread(), NewThread());
        var inA = await PutAsync(Record(a));
        await PutAsync(Record(b));

        Assert.Null(await Saver.GetAsync(b, "", inA.Id));
    }

    [Fact]
    public async Task Get_with_an_id_of_another_namespace_is_null()
    {
        var thread = NewThread();
        var sub = await PutAsync(Record(thread, "sub"));
        await PutAsync(Record(thread));

        Assert.Null(await Saver.GetAsync(thread, "", sub.Id));
        Assert.NotNull(await Saver.GetAsync(thread, "sub", sub.Id));
    }

    [Fact]
    public async Task Get_by_id_finds_the_checkpoint_in_any_thread_and_namespace()
    {
        var (a, b) = (NewThread(), NewThread());
        var inA = await PutAsync(Record(a, channels: Map("v", Inline("a"))));
        var inB = await PutAsync(Record(b, "sub", channels: Map("v", Inline("b"))));

        AssertSameRecord(inA, (await Saver.GetByIdAsync(inA.Id))!.Checkpoint);
        AssertSameRecord(inB, (await Saver.GetByIdAsync(inB.Id))!.Checkpoint);
    }

    [Fact]
    public async Task Get_by_id_tells_apart_checkpoints_of_many_threads_written_in_one_millisecond()
    {
        // Ids that share their first six bytes (a UUIDv7's millisecond), and ids of another layout (random, v4).
        var stamp = CheckpointIds.NewId().ToByteArray(bigEndian: true)[..6];
        var records = new List<CheckpointRecord>();
        for (var i = 0; i < 12; i++)
        {
            var bytes = Guid.NewGuid().ToByteArray(bigEndian: true);
            if (i % 3 != 2)
            {
                stamp.CopyTo(bytes, 0);
            }

            records.Add(await PutAsync(Record(NewThread(), i % 2 == 0 ? "" : "sub", channels: Map("v", Inline($"r{i}"))) with
            {
                Id = new Guid(bytes, bigEndian: true),
            }));
        }

        foreach (var record in records)
        {
            AssertSameRecord(record, (await Saver.GetByIdAsync(record.Id))!.Checkpoint);
        }

        var unknown = Guid.NewGuid().ToByteArray(bigEndian: true);
        stamp.CopyTo(unknown, 0);
        Assert.Null(await Saver.GetByIdAsync(new Guid(unknown, bigEndian: true)));
    }

    [Fact]
    public async Task A_checkpoint_id_held_by_one_thread_is_refused_in_another_thread_or_namespace()
    {
        var (a, b) = (NewThread(), NewThread());
        var original = await PutAsync(Record(a, channels: Map("v", Inline("a"))));

        await Assert.ThrowsAsync<InvalidOperationException>(() => PutAsync(Record(b) with { Id = original.Id }, PutMode.Branch));
        await Assert.ThrowsAsync<InvalidOperationException>(() => PutAsync(Record(a, "sub") with { Id = original.Id }, PutMode.Branch));

        AssertSameRecord(original, (await Saver.GetByIdAsync(original.Id))!.Checkpoint);
        Assert.Null(await Saver.GetAsync(b, "", null));
        Assert.Null(await Saver.GetAsync(a, "sub", null));

        // Once the first thread is deleted, the id is free again.
        await Saver.DeleteThreadAsync(a);
        var reused = await PutAsync(Record(b, channels: Map("v", Inline("b"))) with { Id = original.Id }, PutMode.Branch);
        AssertSameRecord(reused, (await Saver.GetByIdAsync(original.Id))!.Checkpoint);
    }

    [Fact]
    public async Task Get_by_unknown_id_is_null()
    {
        await PutAsync(Record(NewThread()));

        Assert.Null(await Saver.GetByIdAsync(CheckpointIds.NewId()));
        Assert.Null(await Saver.GetByIdAsync(Guid.Empty));
    }

    [Fact]
    public async Task Get_carries_pending_writes_for_latest_specific_and_by_id()
    {
        var thread = NewThread();
        var chain = await PutChainAsync(thread, 2);
        await Saver.PutWritesAsync(thread, "", chain[1].Id, [Write("t", 0, "c", "pending")]);

        Assert.Equal(["pending"], (await Saver.GetAsync(thread, "", null))!.PendingWrites.Select(WriteValue));
        Assert.Equal(["pending"], (await Saver.GetAsync(thread, "", chain[1].Id))!.PendingWrites.Select(WriteValue));
        Assert.Equal(["pending"], (await Saver.GetByIdAsync(chain[1].Id))!.PendingWrites.Select(WriteValue));
        Assert.Empty((await Saver.GetAsync(thread, "", chain[0].Id))!.PendingWrites);
    }

    [Fact]
    public async Task Get_honours_cancellation()
    {
        var thread = NewThread();
        await PutChainAsync(thread, 1);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Saver.GetAsync(thread, "", null, cts.Token));
    }
}

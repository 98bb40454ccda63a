using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

public abstract partial class CheckpointSaverConformanceTests
{
    [Fact]
    public async Task Put_writes_basic_round_trip()
    {
        var thread = NewThread();
        var record = await PutAsync(Record(thread));

        await Saver.PutWritesAsync(thread, "", record.Id, [Write("task-1", 0, "messages", "hello", node: "agent")]);

        var write = Assert.Single((await Saver.GetAsync(thread, "", record.Id))!.PendingWrites);
        Assert.Equal(("task-1", "agent", 0, "messages"), (write.TaskId, write.Node, write.Index, write.Channel));
        Assert.Equal("hello", WriteValue(write));
    }

    [Fact]
    public async Task Put_writes_of_several_tasks_are_ordered_by_task_then_index()
    {
        var thread = NewThread();
        var record = await PutAsync(Record(thread));

        await Saver.PutWritesAsync(thread, "", record.Id, [Write("task-b", 1, "c", "b1"), Write("task-b", 0, "c", "b0")]);
        await Saver.PutWritesAsync(thread, "", record.Id, [Write("task-a", 0, "c", "a0"), Write("task-a", 2, "c", "a2"), Write("task-a", 1, "c", "a1")]);
        await Saver.PutWritesAsync(thread, "", record.Id, [Write("task-c", 0, "c", "c0")]);

        var writes = (await Saver.GetAsync(thread, "", record.Id))!.PendingWrites;
        Assert.Equal(["a0", "a1", "a2", "b0", "b1", "c0"], writes.Select(WriteValue));
        Assert.Equal([("task-a", 0), ("task-a", 1), ("task-a", 2), ("task-b", 0), ("task-b", 1), ("task-c", 0)], writes.Select(w => (w.TaskId, w.Index)));
    }

    [Fact]
    public async Task Put_writes_again_with_the_same_key_replaces_without_duplicates()
    {
        var thread = NewThread();
        var record = await PutAsync(Record(thread));

        await Saver.PutWritesAsync(thread, "", record.Id, [Write("task", 0, "c", "first"), Write("task", 1, "d", "keep")]);
        await Saver.PutWritesAsync(thread, "", record.Id, [Write("task", 0, "c", "second")]);
        await Saver.PutWritesAsync(thread, "", record.Id, [Write("task", 0, "c", "second")]);

        var writes = (await Saver.GetAsync(thread, "", record.Id))!.PendingWrites;
        Assert.Equal(2, writes.Count);
        Assert.Equal(["second", "keep"], writes.Select(WriteValue));
    }

    [Theory]
    [InlineData(SpecialChannels.Error)]
    [InlineData(SpecialChannels.Interrupt)]
    [InlineData(SpecialChannels.Resume)]
    [InlineData(SpecialChannels.NoWrites)]
    public async Task Put_writes_to_special_channels_round_trip(string channel)
    {
        var thread = NewThread();
        var record = await PutAsync(Record(thread));

        await Saver.PutWritesAsync(thread, "", record.Id, [Write("task", 0, "regular", "r"), Write("task", 1, channel, "special")]);

        var writes = (await Saver.GetAsync(thread, "", record.Id))!.PendingWrites;
        Assert.Equal(["regular", channel], writes.Select(w => w.Channel));
        Assert.Equal("special", WriteValue(writes[1]));
    }

    [Fact]
    public async Task Writes_are_cleared_when_a_continue_child_is_put()
    {
        var thread = NewThread();
        var parent = await PutAsync(Record(thread));
        await Saver.PutWritesAsync(thread, "", parent.Id, [Write("task", 0, "c", "v"), Write("other", 0, SpecialChannels.Error, "boom")]);

        await PutAsync(Record(thread, parentId: parent.Id, step: 1));

        Assert.Empty((await Saver.GetAsync(thread, "", parent.Id))!.PendingWrites);
    }

    [Fact]
    public async Task Writes_are_kept_when_a_branch_child_is_put()
    {
        var thread = NewThread();
        var parent = await PutAsync(Record(thread));
        await Saver.PutWritesAsync(thread, "", parent.Id, [Write("task", 0, "c", "v")]);

        await PutAsync(Record(thread, parentId: parent.Id, step: 1, source: CheckpointSource.Update), PutMode.Branch);

        Assert.Equal(["v"], (await Saver.GetAsync(thread, "", parent.Id))!.PendingWrites.Select(WriteValue));
    }

    [Fact]
    public async Task Continue_child_clears_only_its_parents_writes()
    {
        var thread = NewThread();
        var first = await PutAsync(Record(thread));
        var second = await PutAsync(Record(thread, parentId: first.Id, step: 1));
        var sub = await PutAsync(Record(thread, "sub"));
        await Saver.PutWritesAsync(thread, "", second.Id, [Write("t", 0, "c", "second")]);
        await Saver.PutWritesAsync(thread, "sub", sub.Id, [Write("t", 0, "c", "sub")]);
        var otherThread = NewThread();
        var other = await PutAsync(Record(otherThread));
        await Saver.PutWritesAsync(otherThread, "", other.Id, [Write("t", 0, "c", "other")]);

        var third = await PutAsync(Record(thread, parentId: second.Id, step: 2));
        await Saver.PutWritesAsync(thread, "", third.Id, [Write("t", 0, "c", "third")]);

        Assert.Empty((await Saver.GetAsync(thread, "", second.Id))!.PendingWrites);
        Assert.Equal(["third"], (await Saver.GetAsync(thread, "", third.Id))!.PendingWrites.Select(WriteValue));
        Assert.Equal(["sub"], (await Saver.GetAsync(thread, "sub", sub.Id))!.PendingWrites.Select(WriteValue));
        Assert.Equal(["other"], (await Saver.GetAsync(otherThread, "", other.Id))!.PendingWrites.Select(WriteValue));
    }

    [Fact]
    public async Task Writes_belong_to_their_checkpoint()
    {
        var thread = NewThread();
        var first = await PutAsync(Record(thread));
        var sibling = await PutAsync(Record(thread, parentId: first.Id, step: 1), PutMode.Branch);
        await Saver.PutWritesAsync(thread, "", sibling.Id, [Write("t", 0, "c", "sibling")]);

        Assert.Empty((await Saver.GetAsync(thread, "", first.Id))!.PendingWrites);
        Assert.Equal(["sibling"], (await Saver.GetAsync(thread, "", sibling.Id))!.PendingWrites.Select(WriteValue));
    }

    [Fact]
    public async Task Mutating_write_bytes_after_put_does_not_change_what_is_read()
    {
        var thread = NewThread();
        var record = await PutAsync(Record(thread));
        var write = Write("t", 0, "c", "original");

        await Saver.PutWritesAsync(thread, "", record.Id, [write]);
        Array.Fill(write.Value, (byte)0);

        Assert.Equal("original", WriteValue(Assert.Single((await Saver.GetAsync(thread, "", record.Id))!.PendingWrites)));
    }

    [Fact]
    public async Task Empty_put_writes_is_a_no_op()
    {
        var thread = NewThread();
        var record = await PutAsync(Record(thread));

        await Saver.PutWritesAsync(thread, "", record.Id, []);

        Assert.Empty((await Saver.GetAsync(thread, "", record.Id))!.PendingWrites);
    }
}

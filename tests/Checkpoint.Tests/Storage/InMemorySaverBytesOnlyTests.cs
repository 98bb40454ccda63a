using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Tests.Storage;

/// <summary>The in-memory saver keeps bytes, never the objects it was given or handed out.</summary>
public sealed class InMemorySaverBytesOnlyTests : IAsyncDisposable
{
    private readonly InMemoryCheckpointSaver _saver = new();

    public ValueTask DisposeAsync() => _saver.DisposeAsync();

    [Fact]
    public async Task Mutating_inline_bytes_and_collections_after_put_does_not_change_the_stored_checkpoint()
    {
        var inline = CheckpointSerializer.Default.ToPayload(new List<int> { 1, 2, 3 });
        var interruptValue = new byte[] { 1, 2, 3 };
        var channels = new Dictionary<string, ChannelValueRef> { ["list"] = new() { Version = 1, Inline = inline } };
        var runs = new List<BlobRun> { new(Guid.NewGuid(), 1) };
        var seen = new Dictionary<string, long> { ["list"] = 1 };
        var next = new List<string> { "agent" };
        var interrupts = new List<InterruptRecord> { new("i", "n", "t", interruptValue) };
        channels["blob"] = new ChannelValueRef { Version = 1, Layout = ChannelLayout.Blob, Runs = runs };
        var record = Record("t") with
        {
            Channels = channels,
            VersionsSeen = new Dictionary<string, IReadOnlyDictionary<string, long>> { ["agent"] = seen },
            NextNodes = next,
            Interrupts = interrupts,
        };
        await _saver.PutAsync(record, [], PutMode.Continue);

        inline[^1] = 0x7F;
        interruptValue[0] = 99;
        channels.Remove("list");
        runs.Add(new BlobRun(Guid.NewGuid(), 5));
        seen["list"] = 42;
        next.Add("tool");
        interrupts.Clear();

        var read = (await _saver.GetAsync("t", "", record.Id))!.Checkpoint;
        Assert.Equal([1, 2, 3], Value<List<int>>(read, "list"));
        Assert.Single(read.Channels["blob"].Runs);
        Assert.Equal(1, read.VersionsSeen["agent"]["list"]);
        Assert.Equal(["agent"], read.NextNodes);
        Assert.Equal([1, 2, 3], Assert.Single(read.Interrupts).Value);
    }

    [Fact]
    public async Task Mutating_chunk_and_write_bytes_after_put_does_not_change_what_is_read()
    {
        var blob = Guid.NewGuid();
        var chunk = Chunk(blob, 0, "a", "b");
        var record = Record("t", channels: Map("b", Blob(blob)));
        await _saver.PutAsync(record, [chunk], PutMode.Continue);
        var write = Write("task", 0, "c", "value");
        await _saver.PutWritesAsync("t", "", record.Id, [write]);

        Array.Clear(chunk.Data);
        Array.Clear(write.Value);

        Assert.Equal(["a", "b"], Items(await _saver.ReadChunksAsync("t", "", [new BlobRun(blob, 1)])));
        Assert.Equal("value", WriteValue(Assert.Single((await _saver.GetAsync("t", "", record.Id))!.PendingWrites)));
    }

    [Fact]
    public async Task Mutating_what_was_read_does_not_change_what_is_read_next()
    {
        var blob = Guid.NewGuid();
        var record = Record("t", channels: new Dictionary<string, ChannelValueRef> { ["v"] = Inline("x"), ["b"] = Blob(blob) });
        await _saver.PutAsync(record, [Chunk(blob, 0, "chunk")], PutMode.Continue);
        await _saver.PutWritesAsync("t", "", record.Id, [Write("task", 0, "c", "value")]);

        var first = await _saver.GetAsync("t", "", null);
        Array.Clear(first!.Checkpoint.Channels["v"].Inline!);
        Array.Clear(first.PendingWrites[0].Value);
        Array.Clear((await _saver.ReadChunksAsync("t", "", [new BlobRun(blob, 1)]))[0].Data);

        var second = await _saver.GetAsync("t", "", null);
        Assert.Equal("x", Value<string>(second!.Checkpoint, "v"));
        Assert.Equal("value", WriteValue(second.PendingWrites[0]));
        Assert.Equal(["chunk"], Items(await _saver.ReadChunksAsync("t", "", [new BlobRun(blob, 1)])));
    }

    [Fact]
    public async Task Each_read_returns_new_objects()
    {
        var record = Record("t", channels: Map("v", Inline(1)));
        await _saver.PutAsync(record, [], PutMode.Continue);

        var first = (await _saver.GetAsync("t", "", null))!.Checkpoint;
        var second = (await _saver.GetByIdAsync(record.Id))!.Checkpoint;

        Assert.NotSame(record, first);
        Assert.NotSame(first, second);
        Assert.NotSame(first.Channels["v"].Inline, second.Channels["v"].Inline);
        Assert.NotSame(record.Channels["v"].Inline, first.Channels["v"].Inline);
    }

    [Fact]
    public async Task Put_of_an_id_that_exists_in_another_thread_is_rejected()
    {
        var record = Record("a");
        await _saver.PutAsync(record, [], PutMode.Continue);

        await Assert.ThrowsAsync<InvalidOperationException>(() => _saver.PutAsync(record with { ThreadId = "b" }, [], PutMode.Continue));
        Assert.Null(await _saver.GetAsync("b", "", null));
    }

    [Fact]
    public async Task Re_put_of_the_same_checkpoint_replaces_it_without_conflict()
    {
        var parent = Record("t");
        var child = Record("t", parentId: parent.Id, step: 1, metadata: Map("v", "1"));
        await _saver.PutAsync(parent, [], PutMode.Continue);
        await _saver.PutAsync(child, [], PutMode.Continue);

        await _saver.PutAsync(child with { Metadata = Map("v", "2") }, [], PutMode.Continue);

        Assert.Equal("2", (await _saver.GetAsync("t", "", child.Id))!.Checkpoint.Metadata["v"]);
        await Assert.ThrowsAsync<CheckpointConflictException>(() => _saver.PutAsync(Record("t", parentId: parent.Id, step: 1), [], PutMode.Continue));
    }

    [Fact]
    public void Metadata_filter_matches_exactly()
    {
        var metadata = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" };

        Assert.True(MetadataFilter.Matches(metadata, null));
        Assert.True(MetadataFilter.Matches(metadata, new Dictionary<string, string>()));
        Assert.True(MetadataFilter.Matches(metadata, Map("a", "1")));
        Assert.True(MetadataFilter.Matches(metadata, metadata));
        Assert.False(MetadataFilter.Matches(metadata, Map("a", "2")));
        Assert.False(MetadataFilter.Matches(metadata, Map("A", "1")));
        Assert.False(MetadataFilter.Matches(metadata, new Dictionary<string, string> { ["a"] = "1", ["c"] = "3" }));
    }

    [Fact]
    public void Id_comparer_orders_by_big_endian_bytes()
    {
        var low = new Guid(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF }, bigEndian: true);
        var high = new Guid(new byte[] { 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, bigEndian: true);
        var highest = new Guid(new byte[] { 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, bigEndian: true);

        Assert.True(CheckpointIdComparer.Instance.Compare(low, high) < 0);
        Assert.True(CheckpointIdComparer.Instance.Compare(high, highest) < 0);
        Assert.True(CheckpointIdComparer.Instance.Compare(highest, low) > 0);
        Assert.Equal(0, CheckpointIdComparer.Instance.Compare(high, high));
    }
}

using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

public abstract partial class CheckpointSaverConformanceTests
{
    [Theory]
    [InlineData("int")]
    [InlineData("long")]
    [InlineData("double")]
    [InlineData("bool")]
    [InlineData("string")]
    [InlineData("unicode")]
    [InlineData("bytes")]
    [InlineData("datetime")]
    [InlineData("guid")]
    [InlineData("null")]
    [InlineData("list")]
    [InlineData("dictionary")]
    [InlineData("record")]
    public async Task Put_round_trips_inline_value(string kind)
    {
        var thread = NewThread();
        var (value, check) = SampleValue(kind);
        var record = Record(thread, channels: Map("value", value));

        await PutAsync(record);
        var read = (await Saver.GetAsync(thread, "", record.Id))!.Checkpoint;

        AssertSameRecord(record, read);
        check(read);
    }

    private static (ChannelValueRef Value, Action<CheckpointRecord> Check) SampleValue(string kind)
    {
        var when = new DateTime(2024, 2, 29, 23, 59, 58, 123, DateTimeKind.Utc);
        var guid = Guid.Parse("0193f7a2-1c4d-7e5f-8a9b-0c1d2e3f4a5b");
        var sample = new ConformanceSample("outer", 3, ["a", "b"], new ConformanceInner(true, 2.5, when));
        return kind switch
        {
            "int" => (Inline(-42), r => Assert.Equal(-42, Value<int>(r, "value"))),
            "long" => (Inline(long.MaxValue - 7), r => Assert.Equal(long.MaxValue - 7, Value<long>(r, "value"))),
            "double" => (Inline(Math.PI), r => Assert.Equal(Math.PI, Value<double>(r, "value"))),
            "bool" => (Inline(true), r => Assert.True(Value<bool>(r, "value"))),
            "string" => (Inline("hello"), r => Assert.Equal("hello", Value<string>(r, "value"))),
            "unicode" => (Inline("héllo wörld – 日本語 🙂"), r => Assert.Equal("héllo wörld – 日本語 🙂", Value<string>(r, "value"))),
            "bytes" => (Inline(new byte[] { 0, 1, 2, 255 }), r => Assert.Equal(new byte[] { 0, 1, 2, 255 }, Value<byte[]>(r, "value"))),
            "datetime" => (Inline(when), r => Assert.Equal(when, Value<DateTime>(r, "value").ToUniversalTime())),
            "guid" => (Inline(guid), r => Assert.Equal(guid, Value<Guid>(r, "value"))),
            "null" => (Inline<string?>(null), r => Assert.Null(Value<string?>(r, "value"))),
            "list" => (Inline(new List<int> { 3, 1, 2 }), r => Assert.Equal([3, 1, 2], Value<List<int>>(r, "value"))),
            "dictionary" => (
                Inline(new Dictionary<string, int> { ["one"] = 1, ["two"] = 2 }),
                r => Assert.Equal(new Dictionary<string, int> { ["one"] = 1, ["two"] = 2 }, Value<Dictionary<string, int>>(r, "value"))),
            "record" => (Inline(sample), r =>
            {
                var read = Value<ConformanceSample>(r, "value");
                Assert.Equal(("outer", 3), (read.Name, read.Count));
                Assert.Equal(["a", "b"], read.Tags);
                Assert.Equal(sample.Inner with { At = read.Inner.At }, read.Inner);
                Assert.Equal(when, read.Inner.At.ToUniversalTime());
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    [Fact]
    public async Task Put_round_trips_channel_versions()
    {
        var thread = NewThread();
        var record = Record(thread, channels: new Dictionary<string, ChannelValueRef>
        {
            ["a"] = Inline(1, version: 1),
            ["b"] = Inline(2, version: 17),
            ["c"] = Inline(3, version: long.MaxValue),
        });

        await PutAsync(record);
        var read = (await Saver.GetAsync(thread, "", null))!.Checkpoint;

        Assert.Equal(1, read.Channels["a"].Version);
        Assert.Equal(17, read.Channels["b"].Version);
        Assert.Equal(long.MaxValue, read.Channels["c"].Version);
    }

    [Fact]
    public async Task Put_round_trips_versions_seen()
    {
        var thread = NewThread();
        var record = Record(thread) with
        {
            VersionsSeen = new Dictionary<string, IReadOnlyDictionary<string, long>>
            {
                ["agent"] = new Dictionary<string, long> { ["messages"] = 3, ["done"] = 1 },
                ["tool"] = new Dictionary<string, long> { ["messages"] = 2 },
                ["empty"] = new Dictionary<string, long>(),
            },
        };

        await PutAsync(record);
        var read = (await Saver.GetAsync(thread, "", record.Id))!.Checkpoint;

        Assert.Equal(3, read.VersionsSeen.Count);
        Assert.Equal(3, read.VersionsSeen["agent"]["messages"]);
        Assert.Equal(1, read.VersionsSeen["agent"]["done"]);
        Assert.Equal(2, read.VersionsSeen["tool"]["messages"]);
        Assert.Empty(read.VersionsSeen["empty"]);
    }

    [Fact]
    public async Task Put_round_trips_metadata()
    {
        var thread = NewThread();
        var metadata = new Dictionary<string, string> { ["user"] = "alice", ["source"] = "loop", ["ünï"] = "cödé 🙂", ["empty"] = "" };
        var record = Record(thread, metadata: metadata);

        await PutAsync(record);
        var read = (await Saver.GetAsync(thread, "", record.Id))!.Checkpoint;

        Assert.Equal(metadata.OrderBy(p => p.Key, StringComparer.Ordinal), read.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Put_round_trips_parent()
    {
        var thread = NewThread();
        var first = await PutAsync(Record(thread));
        var second = await PutAsync(Record(thread, parentId: first.Id, step: 1));

        Assert.Null((await Saver.GetAsync(thread, "", first.Id))!.Checkpoint.ParentId);
        Assert.Equal(first.Id, (await Saver.GetAsync(thread, "", second.Id))!.Checkpoint.ParentId);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(int.MaxValue)]
    public async Task Put_round_trips_step(int step)
    {
        var thread = NewThread();
        var record = Record(thread) with { Step = step };

        await PutAsync(record);

        Assert.Equal(step, (await Saver.GetAsync(thread, "", record.Id))!.Checkpoint.Step);
    }

    [Theory]
    [InlineData(CheckpointSource.Input)]
    [InlineData(CheckpointSource.Loop)]
    [InlineData(CheckpointSource.Update)]
    [InlineData(CheckpointSource.Fork)]
    public async Task Put_round_trips_source(CheckpointSource source)
    {
        var thread = NewThread();
        var record = Record(thread, source: source);

        await PutAsync(record);

        Assert.Equal(source, (await Saver.GetAsync(thread, "", record.Id))!.Checkpoint.Source);
    }

    [Fact]
    public async Task Put_round_trips_created_at_to_the_tick()
    {
        var thread = NewThread();
        var createdAt = new DateTimeOffset(2031, 12, 31, 22, 33, 44, TimeSpan.FromHours(5)).AddTicks(1234567);
        var record = Record(thread) with { CreatedAt = createdAt };

        await PutAsync(record);
        var read = (await Saver.GetAsync(thread, "", record.Id))!.Checkpoint.CreatedAt;

        Assert.Equal(createdAt.UtcTicks, read.UtcTicks);
        Assert.Equal(createdAt, read);
    }

    [Fact]
    public async Task Put_round_trips_next_nodes_in_order()
    {
        var thread = NewThread();
        var record = Record(thread) with { NextNodes = ["tool", "agent", "zeta", "alpha"] };

        await PutAsync(record);

        Assert.Equal(["tool", "agent", "zeta", "alpha"], (await Saver.GetAsync(thread, "", record.Id))!.Checkpoint.NextNodes);
    }

    [Fact]
    public async Task Put_round_trips_interrupts()
    {
        var thread = NewThread();
        var record = Record(thread) with
        {
            Interrupts =
            [
                new InterruptRecord("int-1", "review", "task-a", CheckpointSerializer.Default.Serialize("approve?")),
                new InterruptRecord("int-2", "confirm", "task-b", []),
            ],
        };

        await PutAsync(record);
        var read = (await Saver.GetAsync(thread, "", record.Id))!.Checkpoint;

        Assert.Equal(2, read.Interrupts.Count);
        Assert.Equal(("int-1", "review", "task-a"), (read.Interrupts[0].Id, read.Interrupts[0].Node, read.Interrupts[0].TaskId));
        Assert.Equal("approve?", CheckpointSerializer.Default.Deserialize<string>(read.Interrupts[0].Value));
        Assert.Equal(("int-2", "confirm", "task-b"), (read.Interrupts[1].Id, read.Interrupts[1].Node, read.Interrupts[1].TaskId));
        Assert.Empty(read.Interrupts[1].Value);
    }

    [Fact]
    public async Task Put_round_trips_an_empty_record()
    {
        var thread = NewThread();
        var record = Record(thread);

        await PutAsync(record);
        var read = (await Saver.GetAsync(thread, "", record.Id))!.Checkpoint;

        AssertSameRecord(record, read);
        Assert.Empty(read.Channels);
        Assert.Empty(read.NextNodes);
        Assert.Empty(read.Interrupts);
        Assert.Empty(read.Metadata);
    }

    [Fact]
    public async Task Put_round_trips_every_field_together()
    {
        var thread = NewThread();
        var blob = Guid.NewGuid();
        var list = Guid.NewGuid();
        var record = Record(thread, "sub:graph", step: 4, source: CheckpointSource.Update,
            channels: new Dictionary<string, ChannelValueRef>
            {
                ["inline"] = Inline("x", version: 2),
                ["blob"] = Blob(blob, version: 3),
                ["list"] = Chunked(4, new BlobRun(list, 2)),
            },
            metadata: Map("k", "v")) with
        {
            VersionsSeen = Map<IReadOnlyDictionary<string, long>>("node", Map("inline", 2L)),
            NextNodes = ["node"],
            Interrupts = [new InterruptRecord("i", "node", "t", [9])],
        };

        await PutAsync(record, PutMode.Continue, Chunk(blob, 0, "big"), Chunk(list, 0, "a"), Chunk(list, 1, "b"));

        AssertSameRecord(record, (await Saver.GetAsync(thread, "sub:graph", record.Id))!.Checkpoint);
        AssertSameRecord(record, (await Saver.GetByIdAsync(record.Id))!.Checkpoint);
    }

    [Fact]
    public async Task Put_in_root_and_child_namespaces_keeps_them_apart()
    {
        var thread = NewThread();
        var root = await PutAsync(Record(thread, "", channels: Map("v", Inline("root"))));
        var child = await PutAsync(Record(thread, "child:1", channels: Map("v", Inline("child"))));
        var grandChild = await PutAsync(Record(thread, "child:1|inner:2", channels: Map("v", Inline("grand"))));

        Assert.Equal(root.Id, (await Saver.GetAsync(thread, "", null))!.Checkpoint.Id);
        Assert.Equal(child.Id, (await Saver.GetAsync(thread, "child:1", null))!.Checkpoint.Id);
        Assert.Equal(grandChild.Id, (await Saver.GetAsync(thread, "child:1|inner:2", null))!.Checkpoint.Id);
        Assert.Equal("child", Value<string>((await Saver.GetAsync(thread, "child:1", null))!.Checkpoint, "v"));
        Assert.Equal("child:1", (await Saver.GetByIdAsync(child.Id))!.Checkpoint.Namespace);
        Assert.Null(await Saver.GetAsync(thread, "child:2", null));
    }

    [Fact]
    public async Task Threads_are_isolated()
    {
        var (a, b) = (NewThread(), NewThread());
        var inA = await PutAsync(Record(a, channels: Map("v", Inline("a"))));
        var inB = await PutAsync(Record(b, channels: Map("v", Inline("b"))));

        Assert.Equal(inA.Id, (await Saver.GetAsync(a, "", null))!.Checkpoint.Id);
        Assert.Equal(inB.Id, (await Saver.GetAsync(b, "", null))!.Checkpoint.Id);
        Assert.Equal("a", Value<string>((await Saver.GetAsync(a, "", null))!.Checkpoint, "v"));
        Assert.Equal("b", Value<string>((await Saver.GetAsync(b, "", null))!.Checkpoint, "v"));
        Assert.Equal([inA.Id], await ListIdsAsync(new CheckpointFilter { ThreadId = a }));
    }

    [Fact]
    public async Task Incremental_update_writes_chunks_only_for_the_changed_channel()
    {
        var thread = NewThread();
        var (blobA1, blobB1, blobA2) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var first = await PutAsync(
            Record(thread, channels: new Dictionary<string, ChannelValueRef> { ["a"] = Blob(blobA1, 1), ["b"] = Blob(blobB1, 1) }),
            PutMode.Continue, Chunk(blobA1, 0, "a1"), Chunk(blobB1, 0, "b1"));
        var second = await PutAsync(
            Record(thread, parentId: first.Id, step: 1, channels: new Dictionary<string, ChannelValueRef> { ["a"] = Blob(blobA2, 2), ["b"] = Blob(blobB1, 1) }),
            PutMode.Continue, Chunk(blobA2, 0, "a2"));

        var read = (await Saver.GetAsync(thread, "", second.Id))!.Checkpoint;
        Assert.Equal(2, read.Channels["a"].Version);
        Assert.Equal(1, read.Channels["b"].Version);
        Assert.Equal([new BlobRun(blobB1, 1)], read.Channels["b"].Runs);
        Assert.Equal(["a2"], Items(await Saver.ReadChunksAsync(thread, "", read.Channels["a"].Runs)));
        Assert.Equal(["b1"], Items(await Saver.ReadChunksAsync(thread, "", read.Channels["b"].Runs)));
        var old = (await Saver.GetAsync(thread, "", first.Id))!.Checkpoint;
        Assert.Equal(["a1"], Items(await Saver.ReadChunksAsync(thread, "", old.Channels["a"].Runs)));
    }

    [Fact]
    public async Task Channel_added_in_a_later_checkpoint_is_only_there()
    {
        var thread = NewThread();
        var first = await PutAsync(Record(thread, channels: Map("a", Inline(1))));
        var second = await PutAsync(Record(thread, parentId: first.Id, step: 1, channels: new Dictionary<string, ChannelValueRef>
        {
            ["a"] = Inline(1),
            ["added"] = Inline("new", version: 1),
        }));

        Assert.Equal(["a"], (await Saver.GetAsync(thread, "", first.Id))!.Checkpoint.Channels.Keys);
        var read = (await Saver.GetAsync(thread, "", second.Id))!.Checkpoint;
        Assert.Equal(["a", "added"], read.Channels.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("new", Value<string>(read, "added"));
    }

    [Fact]
    public async Task Channel_removed_in_a_later_checkpoint_is_gone_there_only()
    {
        var thread = NewThread();
        var first = await PutAsync(Record(thread, channels: new Dictionary<string, ChannelValueRef> { ["a"] = Inline(1), ["gone"] = Inline("x") }));
        var second = await PutAsync(Record(thread, parentId: first.Id, step: 1, channels: Map("a", Inline(2, version: 2))));

        Assert.Equal(["a", "gone"], (await Saver.GetAsync(thread, "", first.Id))!.Checkpoint.Channels.Keys.Order(StringComparer.Ordinal));
        var read = (await Saver.GetAsync(thread, "", second.Id))!.Checkpoint;
        Assert.Equal(["a"], read.Channels.Keys);
        Assert.Equal(2, Value<int>(read, "a"));
    }

    [Fact]
    public async Task Mutating_a_record_after_put_does_not_change_what_is_read()
    {
        var thread = NewThread();
        var inline = CheckpointSerializer.Default.ToPayload("original");
        var channels = new Dictionary<string, ChannelValueRef>
        {
            ["v"] = new() { Version = 1, Inline = inline },
        };
        var metadata = new Dictionary<string, string> { ["k"] = "before" };
        var next = new List<string> { "a" };
        var record = Record(thread, channels: channels, metadata: metadata) with { NextNodes = next };

        await PutAsync(record);
        Array.Fill(inline, (byte)0);
        channels["extra"] = Inline(1);
        metadata["k"] = "after";
        next.Add("b");

        var read = (await Saver.GetAsync(thread, "", record.Id))!.Checkpoint;
        Assert.Equal("original", Value<string>(read, "v"));
        Assert.Equal(["v"], read.Channels.Keys);
        Assert.Equal("before", read.Metadata["k"]);
        Assert.Equal(["a"], read.NextNodes);
    }

    [Fact]
    public async Task Mutating_a_chunk_after_put_does_not_change_what_is_read()
    {
        var thread = NewThread();
        var blob = Guid.NewGuid();
        var chunk = Chunk(blob, 0, "original");
        await PutAsync(Record(thread, channels: Map("b", Blob(blob))), PutMode.Continue, chunk);

        Array.Fill(chunk.Data, (byte)0);

        Assert.Equal(["original"], Items(await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 1)])));
    }

    [Fact]
    public async Task Unicode_thread_ids_and_namespaces_work()
    {
        var thread = $"スレッド-🧵-{Guid.NewGuid():N}";
        var record = await PutAsync(Record(thread, "名前空間|ü", channels: Map("v", Inline("ok"))));

        var read = (await Saver.GetAsync(thread, "名前空間|ü", null))!.Checkpoint;

        AssertSameRecord(record, read);
        Assert.Null(await Saver.GetAsync(thread, "名前空間|u", null));
    }
}

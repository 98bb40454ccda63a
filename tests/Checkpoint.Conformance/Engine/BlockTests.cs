using Checkpoint.Compaction;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.Engine.BlockGraphs;

namespace Checkpoint.Conformance.Engine;

/// <summary>
/// Blocks written in the put: a thread whose lists cross block boundaries reads exactly like its twin
/// written without blocks (latest, by id, history, forks), with fewer chunks. Inherited once per saver.
/// </summary>
public abstract class BlockTests : IAsyncLifetime
{
    private readonly List<CheckpointSaver> _savers = [];

    /// <summary>Creates a saver with this serializer (a fresh store per test; savers of one test may share it).</summary>
    protected abstract Task<CheckpointSaver> CreateSaverAsync(CheckpointSerializer serializer);

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var saver in _savers)
        {
            await saver.DisposeAsync();
        }
    }

    /// <summary>A saver writing blocks of <paramref name="blockItems"/> items (0: none).</summary>
    protected async Task<CheckpointSaver> SaverAsync(int blockItems, byte[]? key = null, BlockCompression compression = BlockCompression.Lz4)
    {
        var saver = await CreateSaverAsync(new CheckpointSerializer(
            new SerializerOptions { BlockItems = blockItems, EncryptionKey = key, BlockCompression = compression }));
        _savers.Add(saver);
        return saver;
    }

    [Theory]
    [InlineData(BlockCompression.Deflate, EnvelopeCodecs.Deflate)]
    [InlineData(BlockCompression.Lz4, EnvelopeCodecs.Lz4)]
    public async Task Blocks_are_compressed_as_the_options_say_and_read_identical_to_an_unpacked_twin(
        BlockCompression compression, EnvelopeCodecs codec)
    {
        var packed = await SaverAsync(16, compression: compression);
        var plain = await SaverAsync(0);
        await RunToAsync(packed, "packed", 40);
        await RunToAsync(plain, "plain", 40);

        var expected = (await HistoryAsync(plain, "plain")).Select(h => h.Text).ToList();
        var history = await HistoryAsync(packed, "packed");
        Assert.Equal(expected, history.Select(h => h.Text));
        Assert.Equal(expected, await ByIdAsync(packed, history.Select(h => h.Id)));
        Assert.Contains(codec, await ItemCodecsAsync(packed, "packed"));
    }

    [Fact]
    public async Task Puts_across_block_boundaries_read_identical_to_an_unpacked_twin()
    {
        var packed = await SaverAsync(4);
        var plain = await SaverAsync(0);
        await RunToAsync(packed, "packed", 23);
        await RunToAsync(plain, "plain", 23);

        AssertAt(await LatestAsync(packed, "packed"), 23);
        var packedHistory = await HistoryAsync(packed, "packed");
        var plainHistory = await HistoryAsync(plain, "plain");
        Assert.Equal(plainHistory.Select(h => h.Text), packedHistory.Select(h => h.Text));
        Assert.Equal(plainHistory.Select(h => h.Text), await ByIdAsync(packed, packedHistory.Select(h => h.Id)));
        Assert.True(await ItemChunksAsync(packed, "packed") * 3 < await ItemChunksAsync(plain, "plain") * 2);

        // A fork from a checkpoint inside a block, continued: identical on both.
        foreach (var (saver, thread, history) in new[] { (packed, "packed", packedHistory), (plain, "plain", plainHistory) })
        {
            var graph = Loop(saver, 30);
            var fork = await graph.UpdateStateAsync(
                Run(thread) with { CheckpointId = history[^9].Id }, new Update<BlockState>().Set(x => x.Items, ["forked"]));
            await graph.InvokeAsync(null, fork);
        }

        Assert.Equal(
            (await HistoryAsync(plain, "plain")).Select(h => h.Text),
            (await HistoryAsync(packed, "packed")).Select(h => h.Text));
    }

    [Fact]
    public async Task A_list_ends_in_at_most_one_tail_block_and_fifteen_small_chunks()
    {
        // Blocks of 256 (quarters of 64): one box per step, so at step 300 the boxes are the block 0..256, the tail
        // block 256..288 (written at 272, again at 288) and twelve small chunks. Items grow by 1-3 a step.
        var packed = await SaverAsync(256, compression: BlockCompression.Lz4);
        var plain = await SaverAsync(0);
        await RunToAsync(packed, "packed", 300);
        await RunToAsync(plain, "plain", 300);

        Assert.Equal([0, 256, .. Enumerable.Range(288, 12)], await BoxChunkSequencesAsync(packed, "packed"));
        AssertAt(await LatestAsync(packed, "packed"), 300);
        var expected = (await HistoryAsync(plain, "plain")).Select(h => h.Text).ToList();
        var history = await HistoryAsync(packed, "packed");
        Assert.Equal(expected, history.Select(h => h.Text));
        Assert.Equal(expected, await ByIdAsync(packed, history.Select(h => h.Id)));
    }

    [Fact]
    public async Task A_compacted_list_packs_the_items_appended_after_each_compaction()
    {
        // Blocks of 32 (quarters of 8); a summary at 20 messages keeping 8 raises the kept run's start past the block's
        // start every 12 steps, and the messages appended after it still go into blocks (built from the list in memory,
        // from the first quarter in the kept run), not one chunk each.
        var packed = await SaverAsync(32);
        var plain = await SaverAsync(0);
        var run = RunConfig.ForThread("compacted-packed") with { RecursionLimit = 1_000 };
        var plainRun = run with { ThreadId = "compacted-plain" };
        foreach (var (saver, config) in new[] { (packed, run), (plain, plainRun) })
        {
            await CompactionTests.Talk(saver, 300, CompactionTests.Summarizer(8), CompactionTrigger.Items(20)).InvokeAsync(new CompactionState(), config);
        }

        var expected = await TextsAsync(plain, plainRun);
        var history = await TextsAsync(packed, run);
        Assert.Equal(expected.Select(h => h.Text), history.Select(h => h.Text));
        var graph = CompactionTests.Talk(packed, 0);
        foreach (var (id, text) in history)
        {
            Assert.Equal(text, CompactedText((await graph.GetStateAsync(id))!.Values));
        }

        // The messages' blob (the latest list's last run): 300 messages, most in blocks.
        var latest = await packed.GetAsync(run.ThreadId, "", null);
        var blob = latest!.Checkpoint.Channels[nameof(CompactionState.Messages)].Runs[^1].BlobId;
        var chunks = await packed.ReadChunksAsync(run.ThreadId, "", [new BlobRun(blob, 1_000_000)]);
        Assert.True(chunks.Count < 50, $"{chunks.Count} chunks hold the 300 messages (one chunk each would be 300, blocks alone ~10)");

        // Keeping only the latest checkpoint drops the blocks only older checkpoints read; the latest reads the same.
        Assert.True(await packed.PruneAsync(run.ThreadId, RetentionPolicy.Latest(1)) > 0);
        var kept = await packed.ReadChunksAsync(run.ThreadId, "", [new BlobRun(blob, 1_000_000)]);
        Assert.True(kept.Count < chunks.Count, $"{chunks.Count} chunks before the prune, {kept.Count} after");
        Assert.Equal(expected[0].Text, CompactedText((await graph.GetStateAsync(run))!.Values));

        static async Task<List<(Guid Id, string Text)>> TextsAsync(CheckpointSaver saver, RunConfig config) =>
            [.. (await CompactionTests.HistoryAsync(saver, config)).Select(s => (s.CheckpointId, CompactedText(s.Values)))];
    }

    [Fact]
    public async Task A_thread_read_between_blocks_reads_each_new_block()
    {
        var packed = await SaverAsync(5);
        foreach (var steps in new[] { 2, 3, 4, 7, 11, 12, 30 })
        {
            await RunToAsync(packed, "grow", steps);
            AssertAt(await LatestAsync(packed, "grow"), steps);
        }

        var history = await HistoryAsync(packed, "grow");
        Assert.Equal(history.Select(h => h.Text), await ByIdAsync(packed, history.Select(h => h.Id)));
    }

    [Fact]
    public async Task An_encrypted_thread_with_blocks_reads_identical()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var packed = await SaverAsync(4, key);
        var plain = await SaverAsync(0, key);
        await RunToAsync(packed, "sealed-packed", 17);
        await RunToAsync(plain, "sealed-plain", 17);
        AssertAt(await LatestAsync(packed, "sealed-packed"), 17);
        Assert.Equal(
            (await HistoryAsync(plain, "sealed-plain")).Select(h => h.Text),
            (await HistoryAsync(packed, "sealed-packed")).Select(h => h.Text));
    }

    private static string CompactedText(CompactionState state) => $"{state.Step}|{string.Join(",", state.Messages)}";
}

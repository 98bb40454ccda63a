using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.Engine.BlockGraphs;

namespace Checkpoint.Conformance.Engine;

/// <summary>
/// <see cref="CheckpointSaver.RepackAsync"/>: small chunks become blocks, every read stays identical
/// (cold, warm through another saver instance, encrypted), and a repack racing puts that continue the
/// thread and prunes loses nothing. Inherited by savers whose instances can share one store.
/// </summary>
public abstract class RepackTests : IAsyncLifetime
{
    private readonly List<CheckpointSaver> _savers = [];

    /// <summary>Creates a saver with this serializer on this test's store (every call: the same store).</summary>
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

    [Fact]
    public async Task RepackAsync_packs_small_chunks_and_every_read_stays_identical()
    {
        var plain = await SaverAsync(0);
        await RunToAsync(plain, "old", 30);
        var before = await HistoryAsync(plain, "old");
        var chunksBefore = await ItemChunksAsync(plain, "old");

        var packer = await SaverAsync(4);
        var progress = new List<int>();
        var blocks = await packer.RepackAsync("old", new SynchronousProgress(progress.Add));
        Assert.True(blocks > 5, $"{blocks} blocks");
        Assert.Equal(Enumerable.Range(1, blocks), progress);
        Assert.True(await ItemChunksAsync(packer, "old") * 4 < chunksBefore * 3);

        var fresh = await SaverAsync(0);
        Assert.Equal(before.Select(h => h.Text), (await HistoryAsync(fresh, "old")).Select(h => h.Text));
        Assert.Equal(before.Select(h => h.Text), await ByIdAsync(await SaverAsync(0), before.Select(h => h.Id)));
        Assert.Equal(0, await packer.RepackAsync("old"));
        Assert.Equal(0, await packer.RepackAsync("missing"));

        // The thread continues (through a saver whose cache holds the chunks from before the repack).
        await RunToAsync(plain, "old", 41);
        AssertAt(await LatestAsync(plain, "old"), 41);
        AssertAt(await LatestAsync(await SaverAsync(0), "old"), 41);
    }

    [Fact]
    public async Task A_repack_by_another_saver_between_two_warm_reads_changes_nothing()
    {
        var reader = await SaverAsync(SerializerOptions.DefaultBlockItems);
        var writer = await SaverAsync(0);
        await RunToAsync(writer, "warm", 20);
        var first = await HistoryAsync(reader, "warm");
        var ids = first.Select(h => h.Id).ToList();
        Assert.Equal(first.Select(h => h.Text), await ByIdAsync(reader, ids));

        Assert.True(await (await SaverAsync(4)).RepackAsync("warm") > 0);
        Assert.Equal(first.Select(h => h.Text), (await HistoryAsync(reader, "warm")).Select(h => h.Text));
        Assert.Equal(first.Select(h => h.Text), await ByIdAsync(reader, ids));

        await RunToAsync(writer, "warm", 26);
        AssertAt(await LatestAsync(reader, "warm"), 26);
        Assert.Equal(first.Select(h => h.Text), await ByIdAsync(reader, ids));
    }

    [Fact]
    public async Task RepackAsync_racing_puts_and_prunes_loses_nothing()
    {
        const int Steps = 90;
        var writer = await SaverAsync(8);
        var packer = await SaverAsync(3);
        var pruner = await SaverAsync(0);
        await RunToAsync(writer, "race", 2);

        // The writer starts once the first round is under way, so repacks and prunes run while it writes even on a
        // loaded machine (started together, the writer could finish before the first round began).
        var firstRound = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writing = Task.Run(async () =>
        {
            await firstRound.Task;
            await RunToAsync(writer, "race", Steps);
        });
        do
        {
            var repacking = packer.RepackAsync("race");
            firstRound.TrySetResult();
            _ = await repacking;
            _ = await pruner.PruneAsync("race", RetentionPolicy.Latest(4));
        }
        while (!writing.IsCompleted);

        await writing;
        _ = await packer.RepackAsync("race");
        var fresh = await SaverAsync(0);
        AssertAt(await LatestAsync(fresh, "race"), Steps);
        foreach (var (_, text) in await HistoryAsync(fresh, "race"))
        {
            var step = int.Parse(text[..text.IndexOf('|', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(Expected(step), text);
        }

        await RunToAsync(writer, "race", Steps + 5);
        AssertAt(await LatestAsync(await SaverAsync(0), "race"), Steps + 5);
    }

    [Fact]
    public async Task An_encrypted_thread_repacks_and_reads_identical()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray();
        var plain = await SaverAsync(0, key);
        await RunToAsync(plain, "sealed", 25);
        var before = await HistoryAsync(plain, "sealed");

        var packer = await SaverAsync(4, key);
        Assert.True(await packer.RepackAsync("sealed") > 0);
        Assert.Equal(before.Select(h => h.Text), (await HistoryAsync(await SaverAsync(0, key), "sealed")).Select(h => h.Text));
        await RunToAsync(packer, "sealed", 31);
        AssertAt(await LatestAsync(await SaverAsync(0, key), "sealed"), 31);
    }

    private static string Expected(int steps) => Text(new BlockState
    {
        Step = steps,
        Items = [.. BlockState.ExpectedItems(steps)],
        Boxes = [.. Enumerable.Range(0, steps).Select(i => new Holder([$"box {i}"]))],
    });

    private async Task<CheckpointSaver> SaverAsync(int blockItems, byte[]? key = null)
    {
        var saver = await CreateSaverAsync(new CheckpointSerializer(new SerializerOptions { BlockItems = blockItems, EncryptionKey = key }));
        _savers.Add(saver);
        return saver;
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool, after the call returns).</summary>
    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}

using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

public abstract partial class CheckpointSaverConformanceTests
{
    [Fact]
    public async Task Prunes_running_while_a_thread_grows_keep_every_chunk_the_latest_checkpoint_needs()
    {
        const int Steps = 120;
        var thread = NewThread();
        var blobId = Guid.NewGuid();
        using var done = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            try
            {
                Guid? parent = null;
                for (var step = 0; step < Steps; step++)
                {
                    // Each checkpoint appends one chunk to the same blob and references every chunk so far.
                    var record = Record(thread, parentId: parent, step: step, channels: Map("items", Chunked(step + 1, new BlobRun(blobId, step + 1))));
                    await Saver.PutAsync(record, [Chunk(blobId, step, $"item-{step}")], PutMode.Continue);
                    parent = record.Id;
                }
            }
            finally
            {
                await done.CancelAsync();
            }
        });
        var pruner = Task.Run(async () =>
        {
            do
            {
                await Saver.PruneAsync(thread, RetentionPolicy.Latest(1));
                await Task.Yield();
            }
            while (!done.IsCancellationRequested);
        });

        await Task.WhenAll(writer, pruner);

        var latest = (await Saver.GetAsync(thread, "", null))!.Checkpoint;
        var chunks = await Saver.ReadChunksAsync(thread, "", latest.Channels["items"].Runs);
        Assert.Equal(Enumerable.Range(0, Steps).Select(i => $"item-{i}"), Items(chunks));
    }
}

using Checkpoint.Conformance;
using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

public sealed class EngineCorruptionTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(-1)]
    public async Task A_damaged_chunk_names_thread_checkpoint_and_channel(int byteToFlip)
    {
        var saver = new CorruptingSaver(new InMemoryCheckpointSaver(), byteToFlip);
        var graph = TestGraphs.ChatLoop(3).Compile(saver);
        var run = RunConfig.ForThread("damaged");
        await graph.InvokeAsync(TestGraphs.Question(), run);
        var latest = (await TestGraphs.ListAsync(saver, "damaged"))[0].Checkpoint.Id;
        saver.Corrupt = true;

        var error = await Assert.ThrowsAsync<CorruptCheckpointException>(() => graph.GetStateAsync(run));

        Assert.Equal("damaged", error.ThreadId);
        Assert.Equal(latest, error.CheckpointId);
        Assert.Equal("Messages", error.Channel);
        Assert.Contains("damaged", error.Message);
        Assert.Contains(latest.ToString(), error.Message);
    }

    [Fact]
    public async Task A_truncated_chunk_is_reported_not_misread()
    {
        var saver = new CorruptingSaver(new InMemoryCheckpointSaver(), byteToFlip: null);
        var graph = TestGraphs.ChatLoop(2).Compile(saver);
        var run = RunConfig.ForThread("short");
        await graph.InvokeAsync(TestGraphs.Question(), run);
        saver.Corrupt = true;

        var error = await Assert.ThrowsAsync<CorruptCheckpointException>(() => graph.GetStateAsync(run));
        Assert.Equal("Messages", error.Channel);
    }

    /// <summary>A real saver whose chunk reads come back damaged (one byte flipped, or cut in half), as a bad disk would return them.</summary>
    private sealed class CorruptingSaver(CheckpointSaver inner, int? byteToFlip) : DelegatingSaver(inner)
    {
        public bool Corrupt { get; set; }

        protected override async Task<IReadOnlyList<BlobChunk>> ReadChunksCoreAsync(string threadId, string checkpointNamespace, IReadOnlyList<BlobRun> runs, CancellationToken cancellationToken)
        {
            var chunks = await base.ReadChunksCoreAsync(threadId, checkpointNamespace, runs, cancellationToken);
            if (!Corrupt)
            {
                return chunks;
            }

            return chunks.Select((chunk, i) => i != chunks.Count - 1 ? chunk : chunk with { Data = Damage(chunk.Data) }).ToList();
        }

        private byte[] Damage(byte[] data)
        {
            if (byteToFlip is not { } index)
            {
                return data[..(data.Length / 2)];
            }

            var copy = data.ToArray();
            copy[index < 0 ? copy.Length + index : index] ^= 0x5A;
            return copy;
        }
    }
}

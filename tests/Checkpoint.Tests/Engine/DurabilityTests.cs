using Checkpoint.Conformance;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

public sealed class DurabilityTests
{
    private readonly InMemoryCheckpointSaver _saver = new();

    [Theory]
    [InlineData(Durability.Sync, 11)]
    [InlineData(Durability.Async, 11)]
    [InlineData(Durability.Exit, 1)]
    public async Task Every_mode_ends_with_the_same_state_and_writes_its_checkpoints(Durability durability, int expectedCheckpoints)
    {
        var graph = TestGraphs.ChatLoop(10).Compile(_saver);
        var run = RunConfig.ForThread($"d-{durability}") with { Durability = durability };

        var final = await graph.InvokeAsync(TestGraphs.Question(), run);

        var stored = await graph.GetStateAsync(run);
        Assert.Equal(10, final.Step);
        Assert.Equal(final.Messages, stored!.Values.Messages);
        Assert.Equal(10, stored.Values.Step);
        Assert.Equal(expectedCheckpoints, (await TestGraphs.HistoryAsync(graph, run)).Count);
    }

    [Fact]
    public async Task Exit_mode_stores_the_checkpoint_a_failed_run_stopped_at()
    {
        var graph = TestGraphs.ChatLoop(10, node =>
        {
            if (node == "tool")
            {
                throw new InvalidOperationException("boom");
            }
        }).Compile(_saver);
        var run = RunConfig.ForThread("exit-fail") with { Durability = Durability.Exit };

        await Assert.ThrowsAsync<InvalidOperationException>(() => graph.InvokeAsync(TestGraphs.Question(), run));

        var stored = await graph.GetStateAsync(run);
        Assert.Equal(1, stored!.Values.Step);
        Assert.Equal(["tool"], stored.Next);
        Assert.Contains("boom", Assert.Single(stored.Tasks).Error);
    }

    [Fact]
    public async Task Async_mode_surfaces_a_storage_failure()
    {
        // Repeated: the failure races with the run's next enqueue, and must win every time.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var graph = TestGraphs.ChatLoop(10).Compile(new FailingSaver(_saver, failOnPut: 3));
            var run = RunConfig.ForThread($"async-fail-{attempt}") with { Durability = Durability.Async };

            var error = await Assert.ThrowsAsync<IOException>(() => graph.InvokeAsync(TestGraphs.Question(), run));
            Assert.Equal("disk full", error.Message);
        }
    }

    [Fact]
    public async Task A_second_writer_continuing_the_same_checkpoint_gets_a_conflict()
    {
        var graph = TestGraphs.ChatLoop(10).Compile(_saver);
        var run = RunConfig.ForThread("race") with { RecursionLimit = 2 };
        await Assert.ThrowsAsync<GraphRecursionException>(() => graph.InvokeAsync(TestGraphs.Question(), run));
        var head = await graph.GetStateAsync(run);

        // A writer that read the same head before the other continued it:
        var stale = new StaleHeadSaver(_saver, head!.CheckpointId);
        var other = TestGraphs.ChatLoop(10).Compile(stale);
        await graph.InvokeAsync(null, run with { RecursionLimit = 100 });

        await Assert.ThrowsAsync<CheckpointConflictException>(() => other.InvokeAsync(null, run));
    }

    /// <summary>A real saver that fails its n-th put, as a full disk would.</summary>
    private sealed class FailingSaver(CheckpointSaver inner, int failOnPut) : DelegatingSaver(inner)
    {
        private int _puts;

        protected override Task PutCoreAsync(CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _puts) == failOnPut
                ? Task.FromException(new IOException("disk full"))
                : base.PutCoreAsync(checkpoint, newChunks, mode, cancellationToken);
    }

    /// <summary>A real saver whose "latest" lookup returns an older head, as a second process that read it earlier.</summary>
    private sealed class StaleHeadSaver(CheckpointSaver inner, Guid staleHead) : DelegatingSaver(inner)
    {
        protected override Task<CheckpointTuple?> GetCoreAsync(string threadId, string checkpointNamespace, Guid? checkpointId, CancellationToken cancellationToken) =>
            base.GetCoreAsync(threadId, checkpointNamespace, checkpointId ?? staleHead, cancellationToken);
    }
}

using Checkpoint.Compaction;
using Checkpoint.Conformance.Encryption;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Conformance.Engine;

/// <summary>
/// List compaction through the engine on a real saver: compact checkpoints in the history with their
/// metadata, forks on either side of a compaction, a crash between a step's checkpoint and its
/// compaction repaired by the next run, the compaction's storage (one new chunk, the kept tail
/// referenced), prune after compaction, and encryption. Inherited once per saver.
/// </summary>
public abstract class CompactionTests : IAsyncLifetime
{
    private CheckpointSaver? _saver;

    /// <summary>The saver under test, fresh for each test.</summary>
    protected CheckpointSaver Saver => _saver ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>Creates a fresh, empty saver for one test.</summary>
    protected abstract Task<CheckpointSaver> CreateSaverAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _saver = await CreateSaverAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_saver is not null)
        {
            await _saver.DisposeAsync();
        }
    }

    [Fact]
    public async Task Compact_checkpoints_are_in_the_history_with_their_source_and_metadata()
    {
        var run = Config("history", 20);
        var final = await Talk(Saver, 20, ListCompactors.KeepLast<string>(4), CompactionTrigger.Items(10)).InvokeAsync(new CompactionState(), run);

        var (expected, compactions) = CompactionModel.Run(20, trigger: 10, keepLast: 4, summarize: false);
        Assert.Equal(expected, final.Messages);
        var history = await HistoryAsync(Saver, run);
        var compacts = history.Where(s => s.Source == CheckpointSource.Compact).ToList();
        Assert.Equal(compactions, compacts.Count);
        foreach (var compact in compacts)
        {
            var parent = history.Single(s => s.CheckpointId == compact.ParentConfig!.CheckpointId);
            Assert.Equal(CheckpointSource.Loop, parent.Source);
            Assert.Equal(parent.Step, compact.Step);
            Assert.Equal(parent.Next, compact.Next);
            Assert.Equal(10, parent.Values.Messages.Count);
            Assert.Equal(parent.Values.Messages.Skip(6), compact.Values.Messages);
            Assert.Equal("Messages", compact.Metadata["compacted"]);
            Assert.Equal("10", compact.Metadata["compacted.Messages.before"]);
            Assert.Equal("4", compact.Metadata["compacted.Messages.after"]);

            // The next step continues from the compact checkpoint.
            Assert.Contains(history, s => s.ParentConfig?.CheckpointId == compact.CheckpointId && s.Source == CheckpointSource.Loop);
        }

        Assert.Equal(expected, (await Talk(Saver, 20).GetStateAsync(run))!.Values.Messages);
    }

    [Fact]
    public async Task A_fork_from_before_a_compaction_sees_the_full_list_and_one_after_it_the_compacted_list()
    {
        var run = Config("fork", 12);
        var graph = Talk(Saver, 12, Summarizer(keepLast: 4), CompactionTrigger.Items(10));
        await graph.InvokeAsync(new CompactionState(), run);
        var end = (await graph.GetStateAsync(run))!.CheckpointId;
        var compact = (await HistoryAsync(Saver, run)).Single(s => s.Source == CheckpointSource.Compact);
        var before = (await graph.GetStateAsync(compact.ParentConfig!.CheckpointId!.Value))!;
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"m{i}"), before.Values.Messages);

        var append = new Update<CompactionState>().Set(s => s.Messages, ["x"]);
        var forkBefore = await graph.UpdateStateAsync(before.Config, append);
        Assert.Equal([.. Enumerable.Range(1, 10).Select(i => $"m{i}"), "x"], (await graph.GetStateAsync(forkBefore))!.Values.Messages);

        var forkAfter = await graph.UpdateStateAsync(compact.Config, append);
        Assert.Equal(["S[m1+m2+m3+m4+m5+m6]", "m7", "m8", "m9", "m10", "x"], (await graph.GetStateAsync(forkAfter))!.Values.Messages);

        // The original branch is untouched.
        Assert.Equal(CompactionModel.Run(12, 10, 4, summarize: true).Messages, (await graph.GetStateAsync(end))!.Values.Messages);
    }

    [Fact]
    public async Task A_crash_between_a_step_checkpoint_and_its_compaction_is_repaired_when_the_run_resumes()
    {
        var run = Config("crash", 15);
        var failing = new FailingCompactionSaver(Saver);
        await Assert.ThrowsAsync<IOException>(() =>
            Talk(failing, 15, Summarizer(keepLast: 4), CompactionTrigger.Items(10)).InvokeAsync(new CompactionState(), run));

        var graph = Talk(Saver, 15, Summarizer(keepLast: 4), CompactionTrigger.Items(10));
        var crashed = (await graph.GetStateAsync(run))!;
        Assert.Equal(CheckpointSource.Loop, crashed.Source);
        Assert.Equal(10, crashed.Values.Messages.Count);

        var final = await graph.InvokeAsync(null, run);
        Assert.Equal(CompactionModel.Run(15, 10, 4, summarize: true).Messages, final.Messages);
        var compact = (await HistoryAsync(Saver, run)).Single(s => s.ParentConfig?.CheckpointId == crashed.CheckpointId);
        Assert.Equal(CheckpointSource.Compact, compact.Source);
        Assert.Equal(crashed.Step, compact.Step);
    }

    [Theory]
    [InlineData(6, 3)]
    [InlineData(50, 40)]
    public async Task A_compaction_puts_exactly_one_new_chunk_whatever_the_kept_tail(int trigger, int keepLast)
    {
        var counting = new ChunkCountingSaver(Saver);
        var run = Config("one-chunk", trigger + 8);
        var final = await Talk(counting, trigger + 8, Summarizer(keepLast), CompactionTrigger.Items(trigger)).InvokeAsync(new CompactionState(), run);

        Assert.Equal(CompactionModel.Run(trigger + 8, trigger, keepLast, summarize: true).Messages, final.Messages);
        var compactPuts = counting.Puts.Where(p => p.Source == CheckpointSource.Compact).ToList();
        Assert.NotEmpty(compactPuts);
        Assert.All(compactPuts, p => Assert.Equal(1, p.Chunks));
        Assert.All(counting.Puts.Where(p => p.Source == CheckpointSource.Loop), p => Assert.Equal(1, p.Chunks));
    }

    [Fact]
    public async Task Pruning_after_a_compaction_removes_the_chunks_before_the_kept_range_and_the_latest_state_reads_the_same()
    {
        var run = Config("prune", 14);
        await Talk(Saver, 14, Summarizer(keepLast: 4), CompactionTrigger.Items(10)).InvokeAsync(new CompactionState(), run);
        var latest = (await Talk(Saver, 14).GetStateAsync(run))!.Values.Messages;
        Assert.Equal(CompactionModel.Run(14, 10, 4, summarize: true).Messages, latest);

        var blobs = new HashSet<Guid>();
        await foreach (var tuple in Saver.ListAsync(new CheckpointFilter { ThreadId = run.ThreadId }))
        {
            blobs.UnionWith(tuple.Checkpoint.Channels.Values.SelectMany(c => c.Runs).Select(r => r.BlobId));
        }

        var before = await StoredChunksAsync(run.ThreadId, blobs);
        Assert.True(await Saver.PruneAsync(run.ThreadId, RetentionPolicy.Latest(1)) > 0);
        var after = await StoredChunksAsync(run.ThreadId, blobs);

        // The six summarized messages' chunks are gone (the kept range starts at item 6 of the first blob).
        Assert.True(after <= before - 6, $"{before} chunks before the prune, {after} after");
        Assert.Equal(latest, (await Talk(Saver, 14).GetStateAsync(run))!.Values.Messages);
    }

    [Fact]
    public async Task Compaction_with_encryption_reads_back_every_checkpoint()
    {
        var encrypted = new DelegatingSaver(Saver, SecretScenario.Encrypting());
        var run = Config("encrypted", 25);
        var final = await Talk(encrypted, 25, Summarizer(keepLast: 4), CompactionTrigger.Items(10)).InvokeAsync(new CompactionState(), run);

        Assert.Equal(CompactionModel.Run(25, 10, 4, summarize: true).Messages, final.Messages);
        var history = await HistoryAsync(encrypted, run);
        Assert.Equal(CompactionModel.Run(25, 10, 4, summarize: true).Compactions, history.Count(s => s.Source == CheckpointSource.Compact));
        var reader = new DelegatingSaver(Saver, SecretScenario.Encrypting());
        Assert.Equal(final.Messages, (await Talk(reader, 25).GetStateAsync(run))!.Values.Messages);
        foreach (var snapshot in history)
        {
            Assert.Equal(snapshot.Values.Messages, (await Talk(reader, 25).GetStateAsync(snapshot.CheckpointId))!.Values.Messages);
        }
    }

    [Theory]
    [InlineData(Durability.Async)]
    [InlineData(Durability.Exit)]
    public async Task Compaction_works_in_every_durability_mode(Durability durability)
    {
        var run = Config("durability", 23) with { Durability = durability };
        var final = await Talk(Saver, 23, Summarizer(keepLast: 4), CompactionTrigger.Items(10)).InvokeAsync(new CompactionState(), run);

        var expected = CompactionModel.Run(23, 10, 4, summarize: true).Messages;
        Assert.Equal(expected, final.Messages);
        Assert.Equal(expected, (await Talk(Saver, 23).GetStateAsync(run))!.Values.Messages);
    }

    /// <summary>The graph: "talk" appends "m{step}" until <paramref name="steps"/>, with an optional compactor on Messages.</summary>
    public static CompiledGraph<CompactionState> Talk(
        CheckpointSaver saver, int steps, IListCompactor<string>? compactor = null, CompactionTrigger? trigger = null)
    {
        var graph = new StateGraph<CompactionState>()
            .AddNode("talk", s => new Update<CompactionState>().Set(x => x.Messages, [$"m{s.Step + 1}"]).Set(x => x.Step, s.Step + 1))
            .AddEdge(Graph.Start, "talk")
            .AddConditionalEdges("talk", s => s.Step < steps ? "talk" : Graph.End, ["talk", Graph.End]);
        if (compactor is not null)
        {
            graph.WithCompactor(s => s.Messages, compactor, trigger!);
        }

        return graph.Compile(saver);
    }

    /// <summary>The summarizing compactor of <see cref="CompactionModel"/>.</summary>
    public static IListCompactor<string> Summarizer(int keepLast) =>
        ListCompactors.Summarize<string>(keepLast, (span, _) => ValueTask.FromResult(CompactionModel.Summary(span)));

    private static RunConfig Config(string thread, int steps) =>
        RunConfig.ForThread(thread + "-" + Guid.NewGuid().ToString("N")[..8]) with { RecursionLimit = steps + 5 };

    /// <summary>Every checkpoint of the run's thread, newest first, read through a history listing.</summary>
    public static async Task<List<StateSnapshot<CompactionState>>> HistoryAsync(CheckpointSaver saver, RunConfig run)
    {
        var history = new List<StateSnapshot<CompactionState>>();
        await foreach (var snapshot in Talk(saver, 0).GetStateHistoryAsync(run with { CheckpointId = null }))
        {
            history.Add(snapshot);
        }

        return history;
    }

    private async Task<int> StoredChunksAsync(string thread, IEnumerable<Guid> blobs)
    {
        var count = 0;
        foreach (var blob in blobs)
        {
            count += (await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 1_000_000)])).Count;
        }

        return count;
    }

    /// <summary>Fails the first compaction put: a crash after the step's checkpoint, before its compaction.</summary>
    private sealed class FailingCompactionSaver(CheckpointSaver inner) : DelegatingSaver(inner)
    {
        private bool _failed;

        protected override Task PutCoreAsync(CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode, CancellationToken cancellationToken)
        {
            if (checkpoint.Source == CheckpointSource.Compact && !_failed)
            {
                _failed = true;
                throw new IOException("simulated crash before the compaction checkpoint");
            }

            return base.PutCoreAsync(checkpoint, newChunks, mode, cancellationToken);
        }
    }

    /// <summary>Records the source and chunk count of every put.</summary>
    private sealed class ChunkCountingSaver(CheckpointSaver inner) : DelegatingSaver(inner)
    {
        public List<(CheckpointSource Source, int Chunks)> Puts { get; } = [];

        protected override Task PutCoreAsync(CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode, CancellationToken cancellationToken)
        {
            lock (Puts)
            {
                Puts.Add((checkpoint.Source, newChunks.Count));
            }

            return base.PutCoreAsync(checkpoint, newChunks, mode, cancellationToken);
        }
    }
}

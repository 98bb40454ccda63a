using Checkpoint.Compaction;
using Checkpoint.Conformance.Engine;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Compaction;

public sealed class CompactionEngineTests
{
    private readonly InMemoryCheckpointSaver _saver = new();

    public static TheoryData<string> Triggers => ["items", "characters", "tokens"];

    /// <summary>
    /// Messages "m1".."m9" have 2 characters: after 6 steps the list holds 6 items, 12 characters,
    /// 3 estimated tokens; after 7 steps 7 items, 14 characters, 4 tokens. Each trigger is set to fire at 7.
    /// </summary>
    [Theory]
    [MemberData(nameof(Triggers))]
    public async Task Each_trigger_kind_fires_after_the_step_that_reaches_it_and_not_before(string kind)
    {
        var trigger = kind switch
        {
            "items" => CompactionTrigger.Items(7),
            "characters" => CompactionTrigger.Characters(14),
            _ => CompactionTrigger.Tokens(4),
        };
        var run = RunConfig.ForThread(kind);
        await CompactionTests.Talk(_saver, 8, ListCompactors.KeepLast<string>(2), trigger).InvokeAsync(new CompactionState(), run);

        var history = await HistoryAsync(run);
        var compact = Assert.Single(history, s => s.Source == CheckpointSource.Compact);
        var parent = history.Single(s => s.CheckpointId == compact.ParentConfig!.CheckpointId);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"m{i}"), parent.Values.Messages);
        Assert.Equal(["m6", "m7"], compact.Values.Messages);
        Assert.Equal(["m6", "m7", "m8"], history[0].Values.Messages);
    }

    [Fact]
    public async Task A_delegate_compactor_runs_through_the_engine()
    {
        var compactor = ListCompactors.FromDelegate<string>((items, _) =>
            ValueTask.FromResult<ListCompaction<string>?>(new([$"dropped {items.Count - 1}"], items.Count - 1)));
        var run = RunConfig.ForThread("delegate");
        var final = await CompactionTests.Talk(_saver, 5, compactor, CompactionTrigger.Items(3)).InvokeAsync(new CompactionState(), run);

        // 3 items → ["dropped 2", m3]; + m4 → 3 items → ["dropped 2", m4]; + m5 → ["dropped 2", m5].
        Assert.Equal(["dropped 2", "m5"], final.Messages);
        Assert.Equal(3, (await HistoryAsync(run)).Count(s => s.Source == CheckpointSource.Compact));
    }

    [Fact]
    public async Task A_compactor_returning_an_index_past_the_list_fails_the_run()
    {
        var compactor = ListCompactors.FromDelegate<string>((items, _) => ValueTask.FromResult<ListCompaction<string>?>(new([], items.Count + 1)));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            CompactionTests.Talk(_saver, 3, compactor, CompactionTrigger.Items(2)).InvokeAsync(new CompactionState(), RunConfig.ForThread("bad")));
        Assert.Contains("KeepFrom", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_refuses_a_compactor_on_a_property_that_is_not_an_append_list()
    {
        var graph = new StateGraph<NotesState>()
            .AddNode("n", _ => new Update<NotesState>())
            .AddEdge(Graph.Start, "n")
            .AddEdge("n", Graph.End)
            .WithCompactor(s => s.Notes, ListCompactors.KeepLast<string>(2), CompactionTrigger.Items(5));
        var error = Assert.Throws<GraphValidationException>(() => graph.Compile(_saver));
        Assert.Contains("'Notes'", error.Message, StringComparison.Ordinal);
        Assert.Contains("[Append]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_refuses_a_text_trigger_that_cannot_read_the_items()
    {
        var graph = new StateGraph<NotesState>()
            .AddNode("n", _ => new Update<NotesState>())
            .AddEdge(Graph.Start, "n")
            .AddEdge("n", Graph.End)
            .WithCompactor(s => s.Numbers, ListCompactors.KeepLast<int>(2), CompactionTrigger.Characters(5));
        var error = Assert.Throws<GraphValidationException>(() => graph.Compile(_saver));
        Assert.Contains("'Numbers'", error.Message, StringComparison.Ordinal);
        Assert.Contains("CompactionTrigger.Characters<Int32>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_step_runner_compacts_when_it_commits_and_a_retried_commit_returns_the_same_compaction()
    {
        var graph = CompactionTests.Talk(_saver, 9, CompactionTests.Summarizer(keepLast: 2), CompactionTrigger.Items(4));
        var plan = await graph.Steps.StartAsync(new CompactionState(), RunConfig.ForThread("steps"));
        while (!plan.IsDone)
        {
            foreach (var node in plan.Next)
            {
                await graph.Steps.RunTaskAsync(plan.Config, node);
            }

            var next = await graph.Steps.CommitStepAsync(plan.Config);
            Assert.Equal(next.CheckpointId, (await graph.Steps.CommitStepAsync(plan.Config)).CheckpointId);
            plan = next;
        }

        var run = RunConfig.ForThread("steps");
        var (expected, compactions) = CompactionModel.Run(9, 4, 2, summarize: true);
        Assert.Equal(expected, (await graph.GetStateAsync(run))!.Values.Messages);
        Assert.Equal(compactions, (await HistoryAsync(run)).Count(s => s.Source == CheckpointSource.Compact));
    }

    [Fact]
    public async Task A_retried_commit_after_a_crash_before_the_compaction_compacts_the_stored_step()
    {
        var graph = CompactionTests.Talk(_saver, 9, CompactionTests.Summarizer(keepLast: 0), CompactionTrigger.Items(1));
        var plan = await graph.Steps.StartAsync(new CompactionState(), RunConfig.ForThread("retry"));
        await graph.Steps.RunTaskAsync(plan.Config, "talk");

        // The first commit attempt stores the step's checkpoint and dies before the compaction.
        var failing = new FailOnCompactSaver(_saver);
        var crashing = CompactionTests.Talk(failing, 9, CompactionTests.Summarizer(keepLast: 0), CompactionTrigger.Items(1));
        await Assert.ThrowsAsync<IOException>(() => crashing.Steps.CommitStepAsync(plan.Config));
        Assert.Equal(CheckpointSource.Loop, (await graph.GetStateAsync(RunConfig.ForThread("retry")))!.Source);

        var retried = await graph.Steps.CommitStepAsync(plan.Config);
        var compact = (await graph.GetStateAsync(retried.Config))!;
        Assert.Equal(CheckpointSource.Compact, compact.Source);
        Assert.Equal(["S[m1]"], compact.Values.Messages);
        Assert.Equal(compact.CheckpointId, (await graph.Steps.CommitStepAsync(plan.Config)).CheckpointId);
    }

    [Fact]
    public async Task A_keep_last_attribute_compacts_like_the_keep_last_compactor()
    {
        var graph = new StateGraph<AttributeState>()
            .AddNode("n", s => new Update<AttributeState>().Set(x => x.Log, [$"m{s.Count + 1}"]).Set(x => x.Count, s.Count + 1))
            .AddEdge(Graph.Start, "n")
            .AddConditionalEdges("n", s => s.Count < 12 ? "n" : Graph.End, ["n", Graph.End])
            .Compile(_saver);
        var run = RunConfig.ForThread("attribute");
        var final = await graph.InvokeAsync(new AttributeState(), run);

        // 5 items → the last 2; +3 → 5 → 2 again: compacted after steps 5, 8 and 11.
        Assert.Equal(["m10", "m11", "m12"], final.Log);
        var compacts = 0;
        await foreach (var snapshot in graph.GetStateHistoryAsync(run))
        {
            compacts += snapshot.Source == CheckpointSource.Compact ? 1 : 0;
        }

        Assert.Equal(3, compacts);
    }

    [Fact]
    public void A_keep_last_attribute_with_a_compactor_on_the_same_property_is_refused()
    {
        var graph = new StateGraph<AttributeState>()
            .AddNode("n", _ => new Update<AttributeState>())
            .AddEdge(Graph.Start, "n")
            .AddEdge("n", Graph.End)
            .WithCompactor(s => s.Log, ListCompactors.KeepLast<string>(1), CompactionTrigger.Items(3));
        var error = Assert.Throws<GraphValidationException>(() => graph.Compile(_saver));
        Assert.Contains("'Log'", error.Message, StringComparison.Ordinal);
    }

    private async Task<List<StateSnapshot<CompactionState>>> HistoryAsync(RunConfig run)
    {
        var history = new List<StateSnapshot<CompactionState>>();
        await foreach (var snapshot in CompactionTests.Talk(_saver, 0).GetStateHistoryAsync(run))
        {
            history.Add(snapshot);
        }

        return history;
    }

    public sealed class AttributeState
    {
        [Append]
        [KeepLast(2, 5)]
        public IReadOnlyList<string> Log { get; set; } = [];

        public int Count { get; set; }
    }

    public sealed class NotesState
    {
        public List<string> Notes { get; set; } = [];

        [Append]
        public List<int> Numbers { get; set; } = [];
    }

    private sealed class FailOnCompactSaver(CheckpointSaver inner) : Checkpoint.Conformance.DelegatingSaver(inner)
    {
        protected override Task PutCoreAsync(CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode, CancellationToken cancellationToken) =>
            checkpoint.Source == CheckpointSource.Compact
                ? throw new IOException("crash before the compaction")
                : base.PutCoreAsync(checkpoint, newChunks, mode, cancellationToken);
    }
}

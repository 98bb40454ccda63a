using Checkpoint.Conformance.Memory;
using Checkpoint.Storage;

namespace Checkpoint.Memory.Tests;

/// <summary>A long-running agent's memory block refreshes when another agent changes a fact, and only then.</summary>
public sealed class LiveMemoryBlockTests : IAsyncLifetime
{
    private static readonly MemoryNamespace Ana = MemoryNamespace.Of("users", "ana");
    private readonly InMemoryMemoryStore _store = new(new MemoryStoreOptions { Embeddings = new ConceptEmbeddingGenerator() });

    public Task InitializeAsync() => _store.PutAsync(Fact("tz", "Lives in Berlin."));

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private static MemoryWrite Fact(string key, string content, MemoryNamespace? ns = null) =>
        new() { Namespace = ns ?? Ana, Key = key, Content = content, Kind = MemoryKind.LongTerm };

    private static async Task StaleAsync(LiveMemoryBlock live)
    {
        using var patience = new CancellationTokenSource(FeedWatcher.Patience);
        while (!live.IsStale)
        {
            await Task.Delay(10, patience.Token);
        }
    }

    [Fact]
    public async Task The_block_is_searched_once_and_again_only_after_a_change_under_its_namespace()
    {
        await using var live = await LiveMemoryBlock.StartAsync(_store, new MemoryBlockRequest { Namespace = Ana });
        var first = await live.GetAsync();
        Assert.Same(first, await live.GetAsync());
        Assert.Equal(1, live.Builds);

        await _store.PutAsync(Fact("tz", "Lives in Boston.", MemoryNamespace.Of("users", "bo"))); // another user's namespace
        await _store.PutAsync(Fact("tz", "Moved to Lisbon.")); // another agent corrects a fact this one used
        await StaleAsync(live);

        Assert.Equal([new MemoryKey(Ana, "tz")], live.ChangedKeys);
        var second = await live.GetAsync();
        Assert.Equal("Known facts:\n- [tz] Moved to Lisbon.", second.Text.ReplaceLineEndings("\n"));
        Assert.Equal((2, false), (live.Builds, live.IsStale));
        Assert.Empty(live.ChangedKeys);
        Assert.Same(second, await live.GetAsync());
    }

    [Fact]
    public async Task A_new_query_an_erasure_and_a_removal_rebuild_the_block()
    {
        await _store.PutAsync(Fact("pet", "Has a puppy called Rex.") with { SubjectId = "ana" });
        await using var live = await LiveMemoryBlock.StartAsync(_store, new MemoryBlockRequest { Namespace = Ana, Query = "time zone" });
        _ = await live.GetAsync();
        _ = await live.GetAsync("what animal");
        Assert.Equal(2, live.Builds);

        await _store.EraseSubjectAsync("ana");
        await StaleAsync(live);
        Assert.DoesNotContain("Rex", (await live.GetAsync("what animal")).Text, StringComparison.Ordinal);

        Assert.True(await _store.DeleteAsync(Ana, "tz"));
        await StaleAsync(live);
        Assert.Equal("", (await live.GetAsync("what animal")).Text);
        Assert.Equal(4, live.Builds);
    }

    [Fact]
    public async Task A_graph_node_sees_the_fact_another_agent_corrected_between_two_turns()
    {
        await using var live = await LiveMemoryBlock.StartAsync(_store, new MemoryBlockRequest { Namespace = Ana });
        var agent = new StateGraph<AgentState>()
            .AddNode("recall", async (state, context) =>
                new Update<AgentState>().Set(s => s.Prompt, $"{await live.GetAsync(cancellationToken: context.CancellationToken)}\nUser: {state.Message}"))
            .AddEdge(Graph.Start, "recall").AddEdge("recall", Graph.End)
            .Compile(new InMemoryCheckpointSaver(), new CompileOptions().WithMemory(_store));

        var before = await agent.InvokeAsync(new AgentState { User = "ana", Message = "What time is it?" }, RunConfig.ForThread("t"));
        await _store.UpdateAsync(Ana, "tz", item => Fact("tz", item!.Content.Replace("Berlin", "Tokyo", StringComparison.Ordinal)));
        await StaleAsync(live);
        var after = await agent.InvokeAsync(new AgentState { User = "ana", Message = "And now?" }, RunConfig.ForThread("t"));

        Assert.Contains("Lives in Berlin.", before.Prompt, StringComparison.Ordinal);
        Assert.Contains("Lives in Tokyo.", after.Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disposed_store_makes_the_block_fail_clearly()
    {
        var store = new InMemoryMemoryStore();
        await using var live = await LiveMemoryBlock.StartAsync(store, new MemoryBlockRequest { Namespace = Ana });
        _ = await live.GetAsync();

        await store.DisposeAsync();
        await StaleAsync(live);

        Assert.IsType<ObjectDisposedException>(live.WatchError);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => live.GetAsync());
    }
}

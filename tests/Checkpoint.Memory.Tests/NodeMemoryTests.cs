using Checkpoint.Conformance.Memory;
using Checkpoint.Storage;

namespace Checkpoint.Memory.Tests;

/// <summary>Graph nodes reach the store through their context: one thread writes a fact, another recalls it by meaning.</summary>
public sealed class NodeMemoryTests
{
    private readonly InMemoryMemoryStore _store = new(new MemoryStoreOptions { Embeddings = new ConceptEmbeddingGenerator() });

    private CompiledGraph<AgentState> Agent() => new StateGraph<AgentState>()
        .AddNode("recall", async (state, context) =>
        {
            var block = await MemoryBlock.BuildAsync(
                context.Memory(),
                new MemoryBlockRequest { Namespace = MemoryNamespace.Of("users", state.User), Query = state.Message, SubjectId = state.User },
                context.CancellationToken);
            return new Update<AgentState>().Set(s => s.Prompt, $"{block}\n\nUser: {state.Message}");
        })
        .AddNode("learn", async (state, context) =>
        {
            if (state.Message.StartsWith("Remember:", StringComparison.Ordinal))
            {
                await context.Memory().PutAsync(
                    new MemoryWrite
                    {
                        Namespace = MemoryNamespace.Of("users", state.User),
                        Key = $"fact-{context.TaskId[..8]}",
                        Content = state.Message["Remember:".Length..].Trim(),
                        SubjectId = state.User,
                    },
                    context.CancellationToken);
            }

            return new Update<AgentState>();
        })
        .AddEdge(Graph.Start, "recall").AddEdge("recall", "learn").AddEdge("learn", Graph.End)
        .Compile(new InMemoryCheckpointSaver(), new CompileOptions().WithMemory(_store));

    [Fact]
    public async Task A_fact_learned_in_one_thread_is_recalled_by_meaning_in_another()
    {
        var agent = Agent();
        await agent.InvokeAsync(new AgentState { User = "42", Message = "Remember: I have a puppy called Rex." }, RunConfig.ForThread("t1"));
        await _store.PutAsync(new MemoryWrite { Namespace = MemoryNamespace.Of("users", "42"), Key = "tz", Content = "Lives in Berlin.", SubjectId = "42" });

        var result = await agent.InvokeAsync(new AgentState { User = "42", Message = "What animal do I have?" }, RunConfig.ForThread("t2"));

        var prompt = result.Prompt;
        Assert.StartsWith("Relevant memories:\n- [fact-", prompt, StringComparison.Ordinal);
        Assert.Contains("] I have a puppy called Rex.", prompt, StringComparison.Ordinal);
        Assert.Contains("- [tz] Lives in Berlin.", prompt, StringComparison.Ordinal);
        Assert.EndsWith("User: What animal do I have?", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_without_a_store_gets_an_error_naming_the_fix()
    {
        var graph = new StateGraph<AgentState>()
            .AddNode("n", (_, context) => Task.FromResult(new Update<AgentState>().Set(s => s.Prompt, context.Memory().ToString()!)))
            .AddEdge(Graph.Start, "n").AddEdge("n", Graph.End)
            .Compile(new InMemoryCheckpointSaver());

        var error = await Assert.ThrowsAnyAsync<Exception>(() => graph.InvokeAsync(new AgentState(), RunConfig.ForThread("x")));

        Assert.Contains("WithMemory", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Services_given_at_compile_time_stay_reachable_next_to_the_store()
    {
        var options = new CompileOptions { Services = new SingleService("hello") }.WithMemory(_store);

        Assert.Same(_store, options.Services!.GetService(typeof(MemoryStore)));
        Assert.Same(_store, options.Services.GetService(typeof(InMemoryMemoryStore)));
        Assert.Equal("hello", options.Services.GetService(typeof(string)));
    }

    [Fact]
    public async Task The_memory_block_is_empty_when_nothing_is_known()
    {
        var block = await MemoryBlock.BuildAsync(_store, new MemoryBlockRequest { Namespace = MemoryNamespace.Of("nobody"), Query = "anything" });
        Assert.Equal("", block.Text);
        Assert.Empty(block.Relevant);
        Assert.Empty(block.Facts);
    }

    private sealed class SingleService(string value) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(string) ? value : null;
    }
}

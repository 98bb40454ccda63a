using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Conformance.Engine;

/// <summary>
/// A node changes stored state only through its returned update: whatever it (or a router, or a
/// stream consumer) does to the objects it is handed, what <c>InvokeAsync</c> returns, what
/// <c>GetStateAsync</c> reads back and what the nodes returned agree. Inherited once per saver.
/// </summary>
public abstract class StateIsolationTests : IAsyncLifetime
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
    public async Task Adding_to_a_received_list_then_appending_stores_only_the_update()
    {
        var graph = OneNode(s =>
        {
            s.Log.Add("x");
            return new Update<MutableState>().Set(x => x.Log, ["z"]);
        });

        var final = await graph.InvokeAsync(Seeded(), Run("add"));

        await AssertReadBackAsync(graph, "add", final);
        Assert.Equal(["seeded", "z"], final.Log);
    }

    [Fact]
    public async Task Setting_an_item_of_a_received_list_then_appending_stores_only_the_update()
    {
        var graph = OneNode(s =>
        {
            s.Log[0] = "y";
            return new Update<MutableState>().Set(x => x.Log, ["z"]);
        });

        var final = await graph.InvokeAsync(Seeded(), Run("index"));

        await AssertReadBackAsync(graph, "index", final);
        Assert.Equal(["seeded", "z"], final.Log);
    }

    [Fact]
    public async Task Mutating_a_received_list_without_an_update_changes_nothing()
    {
        var graph = OneNode(s =>
        {
            s.Log.Add("x");
            s.Log[0] = "y";
            return new Update<MutableState>();
        });

        var final = await graph.InvokeAsync(Seeded(), Run("none"));

        await AssertReadBackAsync(graph, "none", final);
        Assert.Equal(["seeded"], final.Log);
    }

    [Fact]
    public async Task Mutating_records_dictionaries_arrays_and_list_items_changes_nothing()
    {
        var graph = OneNode(s =>
        {
            s.Box.Items.Add("x");
            s.Scores["a"].Add(99);
            s.Scores["new"] = [5];
            s.Numbers[0] = 42;
            s.Shared[0].Items.Add("x");
            return new Update<MutableState>().Set(x => x.Step, 1);
        });

        var final = await graph.InvokeAsync(Seeded(), Run("deep"));

        await AssertReadBackAsync(graph, "deep", final);
        Assert.Equal(["b"], final.Box.Items);
        Assert.Equal([1], Assert.Single(final.Scores, e => e.Key == "a").Value);
        Assert.DoesNotContain("new", final.Scores.Keys);
        Assert.Equal([1, 2], final.Numbers);
        Assert.Equal(["s"], Assert.Single(final.Shared).Items);
        Assert.Equal(1, final.Step);
    }

    [Fact]
    public async Task A_router_mutating_its_state_changes_nothing()
    {
        List<string>? seen = null;
        var graph = new StateGraph<MutableState>()
            .AddNode("first", s => new Update<MutableState>().Set(x => x.Step, 1))
            .AddNode("second", s =>
            {
                seen = [.. s.Log, .. s.Box.Items];
                return new Update<MutableState>().Set(x => x.Log, ["z"]);
            })
            .AddEdge(Graph.Start, "first")
            .AddConditionalEdges("first", s =>
            {
                s.Log.Add("r");
                s.Box.Items.Add("r");
                s.Numbers[0] = 42;
                return "second";
            })
            .AddEdge("second", Graph.End)
            .Compile(Saver);

        var final = await graph.InvokeAsync(Seeded(), Run("router"));

        await AssertReadBackAsync(graph, "router", final);
        Assert.Equal(["seeded", "b"], seen);
        Assert.Equal(["seeded", "z"], final.Log);
        Assert.Equal(["b"], final.Box.Items);
        Assert.Equal([1, 2], final.Numbers);
    }

    [Fact]
    public async Task Parallel_nodes_do_not_see_each_others_mutations()
    {
        var mutated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seenByB = -1;
        var graph = new StateGraph<MutableState>()
            .AddNode("fan", s => new Update<MutableState>())
            .AddNode("a", s =>
            {
                s.Log.Add("from-a");
                mutated.SetResult();
                return new Update<MutableState>().Set(x => x.Log, ["a"]);
            })
            .AddNode("b", async s =>
            {
                await mutated.Task.WaitAsync(TimeSpan.FromSeconds(30));
                seenByB = s.Log.Count;
                return new Update<MutableState>().Set(x => x.Log, ["b"]);
            })
            .AddEdge(Graph.Start, "fan").AddEdge("fan", "a").AddEdge("fan", "b")
            .AddEdge("a", Graph.End).AddEdge("b", Graph.End)
            .Compile(Saver);

        var final = await graph.InvokeAsync(Seeded(), Run("parallel"));

        await AssertReadBackAsync(graph, "parallel", final);
        Assert.Equal(1, seenByB);
        Assert.Equal(["seeded", "a", "b"], final.Log);
    }

    [Fact]
    public async Task A_value_a_node_returned_and_kept_is_stored_as_it_was_returned()
    {
        Holder? kept = null;
        var graph = new StateGraph<MutableState>()
            .AddNode("give", s =>
            {
                kept = new Holder(["a"]);
                return new Update<MutableState>().Set(x => x.Box, kept).Set(x => x.Step, 1);
            })
            .AddNode("change", s =>
            {
                kept!.Items.Add("late");
                return new Update<MutableState>().Set(x => x.Step, 2);
            })
            .AddEdge(Graph.Start, "give").AddEdge("give", "change").AddEdge("change", Graph.End)
            .Compile(Saver);

        var final = await graph.InvokeAsync(new MutableState(), Run("kept"));

        await AssertReadBackAsync(graph, "kept", final);
        Assert.Equal(["a"], final.Box.Items);
    }

    [Fact]
    public async Task A_stream_consumer_mutating_the_step_state_changes_nothing()
    {
        var graph = new StateGraph<MutableState>()
            .AddNode("a", s => new Update<MutableState>().Set(x => x.Log, ["a"]))
            .AddNode("b", s => new Update<MutableState>().Set(x => x.Log, ["b"]))
            .AddEdge(Graph.Start, "a").AddEdge("a", "b").AddEdge("b", Graph.End)
            .Compile(Saver);

        MutableState? last = null;
        await foreach (var e in graph.StreamAsync(Seeded(), Run("stream")))
        {
            if (e is StepCompleted<MutableState> step)
            {
                last = step.Values;
                step.Values.Log.Add("consumer");
                step.Values.Box.Items.Add("consumer");
            }
        }

        var stored = (await graph.GetStateAsync(Run("stream")))!.Values;
        Assert.Equal(["seeded", "a", "b"], stored.Log);
        Assert.Equal(["b"], stored.Box.Items);
        Assert.Equal(["seeded", "a", "b", "consumer"], last!.Log);
    }

    [Fact]
    public async Task Mutating_a_default_value_does_not_leak_into_other_runs()
    {
        var counts = new List<int>();
        var graph = OneNode(s =>
        {
            counts.Add(s.Box.Items.Count + s.Log.Count);
            s.Box.Items.Add("leak");
            s.Log.Add("leak");
            return new Update<MutableState>().Set(x => x.Step, 1);
        });

        var first = await graph.InvokeAsync(new MutableState(), Run("default-1"));
        var second = await graph.InvokeAsync(new MutableState(), Run("default-2"));

        await AssertReadBackAsync(graph, "default-1", first);
        await AssertReadBackAsync(graph, "default-2", second);
        Assert.Equal([0, 0], counts);
        Assert.Empty(second.Box.Items);
        Assert.Empty(second.Log);
        Assert.Empty(new MutableState().Box.Items);
    }

    [Fact]
    public async Task A_union_interface_member_round_trips_with_its_type()
    {
        var graph = new StateGraph<UnionState>()
            .AddNode("draw", s => new Update<UnionState>()
                .Set(x => x.Shape, new Circle(2))
                .Set(x => x.Shapes, [new Square(3), new Circle(1)]))
            .AddEdge(Graph.Start, "draw").AddEdge("draw", Graph.End)
            .Compile(Saver);
        var run = RunConfig.ForThread("union");

        var final = await graph.InvokeAsync(new UnionState(), run);
        var stored = (await graph.GetStateAsync(run))!.Values;

        Assert.Equal(new Circle(2), final.Shape);
        Assert.Equal(new Circle(2), stored.Shape);
        Assert.Equal<IShape>([new Square(3), new Circle(1)], final.Shapes);
        Assert.Equal<IShape>([new Square(3), new Circle(1)], stored.Shapes);
    }

    [Fact]
    public void Compile_refuses_an_object_member_naming_it() =>
        AssertRefused<ObjectState>("'Shape'", "object", "[Union]");

    [Fact]
    public void Compile_refuses_a_delegate_member_naming_it() =>
        AssertRefused<DelegateState>("'Transform'", "delegate");

    [Fact]
    public void Compile_refuses_an_interface_without_union_naming_it() =>
        AssertRefused<InterfaceState>("'Shape'", "IPlainShape", "[Union]");

    [Fact]
    public void Compile_refuses_an_abstract_class_without_union_naming_it() =>
        AssertRefused<AbstractState>("'Shape'", "ShapeBase", "[Union]");

    [Fact]
    public void Compile_refuses_a_list_of_object() =>
        AssertRefused<ObjectListState>("'Items'", "object");

    [Fact]
    public void Compile_refuses_a_dictionary_of_object() =>
        AssertRefused<ObjectDictionaryState>("'Bag'", "object");

    [Fact]
    public void Compile_refuses_a_non_generic_list() =>
        AssertRefused<NonGenericListState>("'Items'", "item of IList", "object");

    [Fact]
    public void Compile_refuses_object_in_a_nested_record_naming_the_path() =>
        AssertRefused<NestedObjectState>("'Wrapper'", "Inner2.Payload", "object");

    [Fact]
    public void Compile_refuses_a_delegate_in_a_listed_record_naming_the_path() =>
        AssertRefused<NestedDelegateState>("'Steps'", "Step2.Run", "delegate");

    [Fact]
    public void Compile_accepts_recursive_types_and_collection_interfaces()
    {
        var graph = new StateGraph<TreeState>()
            .AddNode("a", s => new Update<TreeState>()).AddEdge(Graph.Start, "a").AddEdge("a", Graph.End);

        Assert.NotNull(graph.Compile(Saver));
        Assert.NotNull(new StateGraph<UnionState>()
            .AddNode("a", s => new Update<UnionState>()).AddEdge(Graph.Start, "a").AddEdge("a", Graph.End).Compile(Saver));
    }

    private void AssertRefused<TState>(params string[] fragments)
        where TState : class, new()
    {
        var graph = new StateGraph<TState>()
            .AddNode("a", s => new Update<TState>()).AddEdge(Graph.Start, "a").AddEdge("a", Graph.End);
        var error = Assert.Throws<GraphValidationException>(() => graph.Compile(Saver));
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        }
    }

    private CompiledGraph<MutableState> OneNode(Func<MutableState, Update<MutableState>> node) =>
        new StateGraph<MutableState>()
            .AddNode("node", node)
            .AddEdge(Graph.Start, "node").AddEdge("node", Graph.End)
            .Compile(Saver);

    private static RunConfig Run(string thread) => RunConfig.ForThread(thread);

    private static MutableState Seeded() => new()
    {
        Log = ["seeded"],
        Box = new Holder(["b"]),
        Scores = new() { ["a"] = [1] },
        Numbers = [1, 2],
        Shared = [new Holder(["s"])],
    };

    /// <summary>What the run returned is what storage reads back, channel by channel.</summary>
    private static async Task AssertReadBackAsync(CompiledGraph<MutableState> graph, string thread, MutableState returned)
    {
        var stored = (await graph.GetStateAsync(Run(thread)))!.Values;
        Assert.Equal(returned.Log, stored.Log);
        Assert.Equal(returned.Box.Items, stored.Box.Items);
        Assert.Equal(returned.Scores.Keys.Order(), stored.Scores.Keys.Order());
        foreach (var (key, value) in returned.Scores)
        {
            Assert.Equal(value, stored.Scores[key]);
        }

        Assert.Equal(returned.Numbers, stored.Numbers);
        Assert.Equal(returned.Shared.Select(h => h.Items), stored.Shared.Select(h => h.Items));
        Assert.Equal(returned.Step, stored.Step);
    }
}

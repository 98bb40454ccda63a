using Checkpoint.Memory;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Net8.Tests;

/// <summary>
/// This project compiles with C# 12, the default language of a net8.0 project (and the newest the .NET 8 SDK has):
/// no params collections, and <c>OverloadResolutionPriorityAttribute</c> unknown. A lambda that never returns (it only
/// throws, or returns <c>null!</c>) then matches several node or router overloads equally, so it states its return
/// type, as docs/hosting.md says; every other call reads as in C# 13 and later. The test fails to build otherwise.
/// </summary>
public sealed class CSharp12CallerTests
{
    [Fact]
    public async Task Nodes_that_only_throw_routers_that_return_null_and_fan_outs_compile_with_CSharp_12()
    {
        Net8Runtime.AssertRunningOnDotnet8();
        var saver = new InMemoryCheckpointSaver();
        var throwing = new StateGraph<NoteState>()
            .AddNode("boom", Update<NoteState> (s, ctx) => throw new InvalidOperationException("boom with context"))
            .AddNode("bang", Update<NoteState> (s) => throw new InvalidOperationException("bang"))
            .AddEdge(Graph.Start, "boom").AddEdge("boom", "bang").AddEdge("bang", Graph.End)
            .Compile(saver);
        var routing = new StateGraph<NoteState>()
            .AddNode("a", s => new Update<NoteState>())
            .AddEdge(Graph.Start, "a")
            .AddConditionalEdges("a", string (s) => null!)
            .Compile(saver);
        var fanOut = new StateGraph<NoteState>()
            .AddNode("plan", s => new Update<NoteState>())
            .AddNode<string>("line", (s, text) => new Update<NoteState>().Append(x => x.Lines, text))
            .AddEdge(Graph.Start, "plan")
            .AddConditionalEdges("plan", s => new[] { "a", "b", "c" }.Select(text => new Send("line", text)))
            .AddEdge("line", Graph.End)
            .Compile(saver);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => throwing.InvokeAsync(new NoteState(), RunConfig.ForThread("throws")));
        var routed = await Assert.ThrowsAsync<GraphValidationException>(() => routing.InvokeAsync(new NoteState(), RunConfig.ForThread("routes")));
        var lines = (await fanOut.InvokeAsync(new NoteState(), RunConfig.ForThread("fans"))).Lines;

        Assert.Equal("boom with context", thrown.Message);
        Assert.Contains("returned null", routed.Message, StringComparison.Ordinal);
        Assert.Equal(["a", "b", "c"], lines);
        Assert.Equal("users/42/facts", MemoryNamespace.Of("users", "42", "facts").ToString());
        Assert.Equal(MetadataOperator.In, MetadataCondition.In("kind", "a", "b").Operator);
    }
}

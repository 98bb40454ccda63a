using Checkpoint.Storage;

namespace Checkpoint.Conformance.Fuzzing;

/// <summary>
/// The graph whose stored bytes seed the fuzzer: "chat" appends a message per step for
/// <see cref="Steps"/> steps (chunks, then blocks once <c>BlockItems</c> is passed), then fans out to
/// "left" and "right"; "right" fails, so the checkpoint keeps "left"'s pending write and "right"'s error.
/// </summary>
public static class FuzzGraph
{
    /// <summary>How many steps "chat" runs.</summary>
    public const int Steps = 20;

    /// <summary>The stored type of a channel's value.</summary>
    public static Type ValueType(string channel) => channel switch
    {
        nameof(FuzzState.Messages) => typeof(List<FuzzMessage>),
        nameof(FuzzState.Step) => typeof(int),
        nameof(FuzzState.Scores) => typeof(Dictionary<string, double>),
        nameof(FuzzState.Note) => typeof(string),
        _ => typeof(object),
    };

    /// <summary>The stored type of a pending write to a channel, as the graph's write codec reads it.</summary>
    public static Type WriteType(string channel) => channel switch
    {
        nameof(FuzzState.Messages) => typeof(FuzzMessage[]),
        SpecialChannels.Error => typeof(string),
        SpecialChannels.Goto => typeof(string[]),
        _ => ValueType(channel),
    };

    /// <summary>Runs the graph on a new thread of <paramref name="saver"/> until "right" fails.</summary>
    public static async Task RunAsync(CheckpointSaver saver, string threadId)
    {
        var graph = new StateGraph<FuzzState>()
            .AddNode("chat", s => new Update<FuzzState>()
                .Set(x => x.Messages, [new FuzzMessage(s.Step % 2 == 0 ? "user" : "assistant", $"message {s.Step}: " + new string('x', s.Step * 7), s.Step)])
                .Set(x => x.Step, s.Step + 1)
                .Set(x => x.Scores, new Dictionary<string, double>(s.Scores) { [$"k{s.Step % 5}"] = s.Step / 3.0 }))
            .AddNode("left", s => new Update<FuzzState>().Set(x => x.Note, $"left after {s.Step}"))
            .AddNode("right", Update<FuzzState> (_) => throw new InvalidOperationException("right fails, leaving pending writes"))
            .AddEdge(Graph.Start, "chat")
            .AddConditionalEdges("chat", s => s.Step < Steps ? ["chat"] : ["left", "right"], ["chat", "left", "right"])
            .AddEdge("left", Graph.End)
            .AddEdge("right", Graph.End)
            .Compile(saver);
        try
        {
            _ = await graph.InvokeAsync(new FuzzState { Note = "start" }, new RunConfig { ThreadId = threadId, RecursionLimit = Steps * 2 }).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("right fails", StringComparison.Ordinal))
        {
            // expected: the failure leaves the fan-out's writes pending
        }
    }
}

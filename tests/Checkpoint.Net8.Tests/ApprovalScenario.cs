using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Net8.Tests;

/// <summary>
/// One graph run on a saver with encryption on: it pauses at an interrupt, a second saver instance (same store, same
/// key) resumes it, the history has time-ordered version 7 checkpoint ids, and a saver without the key cannot read it.
/// </summary>
internal static class ApprovalScenario
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    public static async Task RunAsync(Func<CheckpointSerializer, Task<CheckpointSaver>> open)
    {
        Net8Runtime.AssertRunningOnDotnet8();
        var run = RunConfig.ForThread("net8-" + Guid.NewGuid().ToString("N"));

        await using (var saver = await open(Encrypted()))
        {
            var paused = await Build(saver).RunAsync(new NoteState(), run);
            var interrupt = Assert.Single(paused.Interrupts);
            Assert.Equal("Send 2 lines?", interrupt.GetValue<string>());
            Assert.Null(paused.State.Answer);
        }

        await using (var saver = await open(Encrypted()))
        {
            var graph = Build(saver);
            var done = await graph.InvokeAsync(Command.Resume(true), run);
            Assert.Equal(["draft 1", "draft 2"], done.Lines);
            Assert.Equal("sent", done.Answer);

            var history = new List<StateSnapshot<NoteState>>();
            await foreach (var snapshot in graph.GetStateHistoryAsync(run))
            {
                history.Add(snapshot);
            }

            Assert.True(history.Count >= 3, $"{history.Count} checkpoints");
            // RFC 9562 version 7 and variant 10xx: on net8.0 the ids come from the Guid.CreateVersion7 stand-in.
            Assert.All(history, s => Assert.Equal('7', s.CheckpointId.ToString("N")[12]));
            Assert.All(history, s => Assert.Contains(s.CheckpointId.ToString("N")[16], "89ab"));
            var ids = history.Select(s => s.CheckpointId.ToString("N")).ToList();
            Assert.Equal(ids.OrderByDescending(id => id, StringComparer.Ordinal), ids); // newest first = highest id first
        }

        await using (var saver = await open(new CheckpointSerializer()))
        {
            await Assert.ThrowsAsync<IncompatibleCheckpointException>(() => Build(saver).GetStateAsync(run));
        }
    }

    private static CheckpointSerializer Encrypted() => new(new SerializerOptions { EncryptionKey = Key });

    private static CompiledGraph<NoteState> Build(CheckpointSaver saver) =>
        new StateGraph<NoteState>()
            .AddNode("write", s => new Update<NoteState>().Set(x => x.Lines, ["draft 1", "draft 2"]))
            .AddNode("confirm", (s, ctx) =>
            {
                var approved = ctx.Interrupt<bool>($"Send {s.Lines.Count} lines?");
                return Task.FromResult(new Update<NoteState>().Set(x => x.Answer, approved ? "sent" : "kept"));
            })
            .AddEdge(Graph.Start, "write").AddEdge("write", "confirm").AddEdge("confirm", Graph.End)
            .Compile(saver);
}

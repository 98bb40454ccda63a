using Checkpoint;
using Checkpoint.Sqlite;

namespace QuickStart;

/// <summary>The tour: a run, its interrupt and resume, its history, a past checkpoint, and a fork.</summary>
public static class QuickStartDemo
{
    /// <summary>Runs the tour on a SQLite file, writing what happens to <paramref name="output"/>.</summary>
    public static async Task RunAsync(TextWriter output, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var saver = new SqliteCheckpointSaver($"Data Source={databasePath}");
        var graph = ChatAgent.Build(saver);
        var run = RunConfig.ForThread("user-42");

        output.WriteLine("1. Run until the tool asks for approval (a dynamic interrupt):");
        await graph.InvokeAsync(new ChatState { Messages = [new("user", "What is 6 x 7?")] }, run);
        var paused = await graph.GetStateAsync(run);
        output.WriteLine($"   paused before: {string.Join(", ", paused!.Next)}; question: {paused.Interrupts[0].GetValue<string>()}");

        output.WriteLine("2. Resume with approval:");
        var final = await graph.InvokeAsync(Command.Resume(true), run);
        PrintMessages(output, final);

        output.WriteLine("3. History, newest first (a checkpoint after every step):");
        var history = new List<StateSnapshot<ChatState>>();
        await foreach (var snapshot in graph.GetStateHistoryAsync(run))
        {
            history.Add(snapshot);
            output.WriteLine($"   step {snapshot.Step,2} {snapshot.Source,-6} next=[{string.Join(",", snapshot.Next)}] messages={snapshot.Values.Messages.Count} id={snapshot.CheckpointId}");
        }

        output.WriteLine("4. Read a past checkpoint by its id alone (before the tool ran):");
        var beforeTool = history.First(s => s.Next.Contains("tool"));
        var past = graph.GetState(beforeTool.CheckpointId)!;
        PrintMessages(output, past.Values);

        output.WriteLine("5. Fork from it: the agent asks for 6*8 instead, then the branch runs on:");
        var fork = await graph.UpdateStateAsync(
            past.Config,
            new Update<ChatState>()
                .Set(s => s.Messages, [new ChatMessage("assistant", "Actually, let me calculate 6*8.")])
                .Set(s => s.PendingExpression, "6*8"),
            asNode: "agent");
        await graph.InvokeAsync(null, fork);                              // pauses at the tool's interrupt again
        var forked = await graph.InvokeAsync(Command.Resume(true), fork); // approve
        PrintMessages(output, forked);

        output.WriteLine("6. The original branch is untouched:");
        PrintMessages(output, graph.GetState(history[0].CheckpointId)!.Values);
    }

    private static void PrintMessages(TextWriter output, ChatState state)
    {
        foreach (var message in state.Messages)
        {
            output.WriteLine($"   {message.Role,-9}: {message.Content}");
        }
    }
}

using Checkpoint.Storage;

namespace Checkpoint.Sqlite.Tests;

/// <summary>A small state for engine runs on SQLite: an appended list (stored as chunks) and a last value.</summary>
public sealed class NoteState
{
    [Append]
    public List<string> Lines { get; set; } = [];

    public string? Answer { get; set; }
}

/// <summary>Graphs over <see cref="NoteState"/>.</summary>
internal static class NoteGraphs
{
    /// <summary>write adds lines; confirm asks a yes/no question (Interrupt&lt;bool&gt;) and records the answer.</summary>
    public static CompiledGraph<NoteState> Confirm(CheckpointSaver saver) =>
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

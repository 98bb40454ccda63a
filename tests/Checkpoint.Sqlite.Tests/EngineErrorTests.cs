using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>The engine's incompatibility errors on a SQLite file: not corruption, and recoverable.</summary>
public sealed class EngineErrorTests : IAsyncLifetime, IDisposable
{
    private readonly TempDatabase _database = new();
    private SqliteCheckpointSaver _saver = null!;

    public Task InitializeAsync()
    {
        _saver = _database.CreateSaver();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _saver.DisposeAsync();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_resume_of_the_wrong_type_leaves_the_interrupt_pending_for_a_correct_one()
    {
        var run = RunConfig.ForThread("confirm");
        await NoteGraphs.Confirm(_saver).InvokeAsync(new NoteState(), run);
        var checkpoint = (await _saver.GetAsync("confirm", "", null))!.Checkpoint.Id;

        var error = await Assert.ThrowsAsync<IncompatibleCheckpointException>(
            () => NoteGraphs.Confirm(_saver).InvokeAsync(Command.Resume("yes"), run));

        Assert.Contains("'confirm'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Boolean", error.Message, StringComparison.Ordinal);
        Assert.Contains("String", error.Message, StringComparison.Ordinal);
        Assert.Equal(("confirm", (Guid?)checkpoint), (error.ThreadId, error.CheckpointId));

        // Another process (a new saver on the file) answers correctly.
        await using var other = _database.CreateSaver();
        var graph = NoteGraphs.Confirm(other);
        Assert.Single((await graph.GetStateAsync(run))!.Interrupts);
        Assert.Equal("sent", (await graph.InvokeAsync(Command.Resume(true), run)).Answer);
    }

    [Fact]
    public async Task A_channel_whose_type_changed_is_incompatible_and_named()
    {
        var run = RunConfig.ForThread("changed");
        await NoteGraphs.Confirm(_saver).InvokeAsync(new NoteState(), run);
        var checkpoint = (await _saver.GetAsync("changed", "", null))!.Checkpoint.Id;
        var changed = new StateGraph<RenamedLines>()
            .AddNode("write", s => new Update<RenamedLines>())
            .AddEdge(Graph.Start, "write").AddEdge("write", Graph.End)
            .Compile(_saver);

        var error = await Assert.ThrowsAsync<IncompatibleCheckpointException>(() => changed.GetStateAsync(run));

        Assert.Equal(("changed", (Guid?)checkpoint, "Lines"), (error.ThreadId, error.CheckpointId, error.Channel));
    }

    /// <summary><see cref="NoteState"/> in a later release: the lines became numbers.</summary>
    public sealed class RenamedLines
    {
        [Append]
        public List<int> Lines { get; set; } = [];

        public string? Answer { get; set; }
    }
}

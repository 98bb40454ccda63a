namespace Checkpoint.Runtime;

/// <summary>What one task of a superstep produced.</summary>
internal sealed class TaskOutcome(StepTask task)
{
    public StepTask Task { get; } = task;

    public string Node => Task.Node;

    public string TaskId => Task.Id;

    /// <summary>The channel writes (normalized when read back from storage).</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Writes { get; set; } = [];

    /// <summary>The nodes the task sent the run to (<see cref="Update{TState}.Goto"/>).</summary>
    public IReadOnlyList<string> Goto { get; set; } = [];

    /// <summary>True when the writes came from storage (the task did not run again).</summary>
    public bool FromStorage { get; set; }

    /// <summary>True when the writes are stored (or queued).</summary>
    public bool Saved { get; set; }

    public Exception? Error { get; set; }

    /// <summary>How many times the node ran in this step (more than 1 when its retry policy ran it again).</summary>
    public int Attempts { get; set; }

    public NodeInterruptSignal? Interrupt { get; set; }

    public bool Succeeded => Error is null && Interrupt is null;
}

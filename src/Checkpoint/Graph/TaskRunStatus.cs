namespace Checkpoint;

/// <summary>The outcome of running one task on its own.</summary>
public enum TaskRunStatus
{
    /// <summary>The node ran and its writes are saved.</summary>
    Completed,

    /// <summary>Its writes were already saved; the node did not run again.</summary>
    AlreadyCompleted,

    /// <summary>The node raised an interrupt; the interrupt is saved.</summary>
    Interrupted,
}

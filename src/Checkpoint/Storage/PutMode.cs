namespace Checkpoint.Storage;

/// <summary>How a new checkpoint relates to its thread's existing ones.</summary>
public enum PutMode
{
    /// <summary>
    /// The run continues from its parent: the put fails with <see cref="CheckpointConflictException"/>
    /// when the parent already has a child in the same thread and namespace (another writer got
    /// there first), or, for a checkpoint without parent, when the thread and namespace are not empty.
    /// The parent's pending writes are consumed and deleted.
    /// </summary>
    Continue,

    /// <summary>A new branch (fork or manual update): siblings are allowed; the parent's writes stay.</summary>
    Branch,
}

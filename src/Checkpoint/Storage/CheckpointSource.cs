namespace Checkpoint.Storage;

/// <summary>What produced a checkpoint.</summary>
public enum CheckpointSource
{
    /// <summary>The input given to a run, before any node ran.</summary>
    Input,

    /// <summary>The end of a superstep of the run loop.</summary>
    Loop,

    /// <summary>A manual state update (<c>UpdateStateAsync</c>).</summary>
    Update,

    /// <summary>A copy made when a run continues from a past checkpoint.</summary>
    Fork,

    /// <summary>
    /// A compaction of list channels (older items summarized or dropped) written by the engine after a
    /// step; forking from before it gets the full list back.
    /// </summary>
    Compact,
}

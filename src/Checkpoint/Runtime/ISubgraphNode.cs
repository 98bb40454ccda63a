using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>What the run loop needs of a node that runs a subgraph: forwarding a resume into it, and its state for a snapshot.</summary>
internal interface ISubgraphNode
{
    /// <summary>Saves <paramref name="value"/> as the resume of the subgraph run of task <paramref name="taskId"/>, when it waits on an interrupt.</summary>
    Task ForwardResumeAsync(CheckpointSaver saver, string threadId, string parentNamespace, string taskId, object? value, CancellationToken cancellationToken);

    /// <summary>The latest snapshot of the subgraph run of task <paramref name="taskId"/> (a <c>StateSnapshot&lt;TChild&gt;</c>), or null when it has none.</summary>
    Task<object?> SnapshotAsync(CheckpointSaver saver, string threadId, string parentNamespace, string taskId, CancellationToken cancellationToken);
}

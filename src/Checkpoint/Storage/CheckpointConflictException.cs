namespace Checkpoint.Storage;

/// <summary>Raised when two writers continue the same thread from the same parent checkpoint.</summary>
public sealed class CheckpointConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointConflictException(string threadId, string checkpointNamespace, Guid? parentId)
        : base($"Checkpoint conflict on thread '{threadId}' (namespace '{checkpointNamespace}'): " +
               (parentId is null
                   ? "the thread already has checkpoints, so a new first checkpoint would fork it."
                   : $"checkpoint {parentId} already has a successor; another writer continued it first."))
    {
        ThreadId = threadId;
        Namespace = checkpointNamespace;
        ParentId = parentId;
    }

    /// <summary>The thread written to.</summary>
    public string ThreadId { get; }

    /// <summary>The namespace written to.</summary>
    public string Namespace { get; }

    /// <summary>The parent both writers continued from.</summary>
    public Guid? ParentId { get; }
}

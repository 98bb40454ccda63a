namespace Checkpoint.Storage;

/// <summary>Which checkpoints of a thread <see cref="CheckpointSaver.PruneAsync"/> keeps.</summary>
public sealed record RetentionPolicy
{
    /// <summary>Keep this many newest checkpoints per namespace; older ones are deleted.</summary>
    public required int KeepLatest { get; init; }

    /// <summary>Keep the latest <paramref name="count"/> checkpoints of each namespace.</summary>
    public static RetentionPolicy Latest(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return new RetentionPolicy { KeepLatest = count };
    }
}

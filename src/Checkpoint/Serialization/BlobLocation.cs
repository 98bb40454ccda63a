namespace Checkpoint.Serialization;

/// <summary>Where a stored blob belongs, named in errors about it.</summary>
/// <param name="ThreadId">The thread, when known.</param>
/// <param name="CheckpointId">The checkpoint, when known.</param>
/// <param name="Channel">The channel (or "checkpoint" for the record itself), when known.</param>
public readonly record struct BlobLocation(string? ThreadId, Guid? CheckpointId, string? Channel)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"thread '{ThreadId ?? "?"}', checkpoint {(CheckpointId?.ToString() ?? "?")}, channel '{Channel ?? "?"}'";
}

using Checkpoint.Storage;

namespace Checkpoint.Cli.Decoding;

/// <summary>A checkpoint with its channel values, pending writes and interrupts decoded to generic trees.</summary>
internal sealed record RawCheckpoint(
    CheckpointTuple Tuple, IReadOnlyList<RawChannel> Channels, IReadOnlyList<RawWrite> Writes, IReadOnlyList<RawWrite> Interrupts)
{
    public CheckpointRecord Record => Tuple.Checkpoint;
}

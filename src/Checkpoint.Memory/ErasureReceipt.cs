using Checkpoint.Storage;

namespace Checkpoint.Memory;

/// <summary>What <see cref="SubjectErasure.EraseAsync"/> removed, per store and saver and in total.</summary>
/// <param name="SubjectId">The subject erased.</param>
/// <param name="Memory">One receipt per memory store.</param>
/// <param name="Checkpoints">One receipt per checkpoint saver.</param>
public sealed record ErasureReceipt(string SubjectId, IReadOnlyList<MemoryErasure> Memory, IReadOnlyList<CheckpointErasure> Checkpoints)
{
    /// <summary>Memory items removed.</summary>
    public int MemoryItems => Memory.Sum(receipt => receipt.Items);

    /// <summary>Memory history rows removed.</summary>
    public int HistoryRows => Memory.Sum(receipt => receipt.HistoryRows);

    /// <summary>Checkpoint threads deleted.</summary>
    public int Threads => Checkpoints.Sum(receipt => receipt.Threads);

    /// <summary>Checkpoints those threads held.</summary>
    public int CheckpointCount => Checkpoints.Sum(receipt => receipt.Checkpoints);

    /// <summary>True when every store and saver also removed the freed bytes from its files.</summary>
    public bool Scrubbed => Memory.All(receipt => receipt.Scrubbed) && Checkpoints.All(receipt => receipt.Scrubbed);
}

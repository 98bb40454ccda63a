using Checkpoint.Storage;

namespace Checkpoint.Memory;

/// <summary>
/// Erases a person everywhere an app keeps them: every memory store (<see cref="MemoryStore.EraseSubjectAsync"/>)
/// and every checkpoint saver (<see cref="CheckpointSaver.EraseSubjectAsync"/>: threads run with
/// <c>RunConfig.SubjectId</c>), one after the other, returning one receipt.
/// </summary>
public static class SubjectErasure
{
    /// <summary>Erases <paramref name="subjectId"/> from every store and saver given.</summary>
    public static async Task<ErasureReceipt> EraseAsync(
        string subjectId, IEnumerable<MemoryStore> stores, IEnumerable<CheckpointSaver> savers, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(savers);
        var memory = new List<MemoryErasure>();
        foreach (var store in stores)
        {
            memory.Add(await store.EraseSubjectAsync(subjectId, cancellationToken).ConfigureAwait(false));
        }

        var checkpoints = new List<CheckpointErasure>();
        foreach (var saver in savers)
        {
            checkpoints.Add(await saver.EraseSubjectAsync(subjectId, cancellationToken).ConfigureAwait(false));
        }

        return new ErasureReceipt(subjectId, memory, checkpoints);
    }
}

using Checkpoint.Storage;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

public abstract partial class CheckpointSaverConformanceTests
{
    /// <summary>A thread id no other test uses.</summary>
    protected static string NewThread() => $"thread-{Guid.NewGuid():N}";

    /// <summary>Puts a record (Continue by default) with its chunks and returns it.</summary>
    protected async Task<CheckpointRecord> PutAsync(
        CheckpointRecord record, PutMode mode = PutMode.Continue, params BlobChunk[] chunks)
    {
        await Saver.PutAsync(record, chunks, mode);
        return record;
    }

    /// <summary>Puts <paramref name="count"/> checkpoints, each continuing the previous one (steps -1, 0, 1 ...).</summary>
    protected async Task<List<CheckpointRecord>> PutChainAsync(
        string threadId, int count, string checkpointNamespace = "",
        Func<int, IReadOnlyDictionary<string, string>>? metadata = null)
    {
        var records = new List<CheckpointRecord>();
        Guid? parent = null;
        for (var i = 0; i < count; i++)
        {
            var record = Record(
                threadId, checkpointNamespace, parent, step: i - 1,
                channels: Map("counter", Inline(i, version: i + 1)),
                metadata: metadata?.Invoke(i) ?? Map("step", (i - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            await Saver.PutAsync(record, [], PutMode.Continue);
            records.Add(record);
            parent = record.Id;
        }

        return records;
    }

    /// <summary>Every checkpoint matching the filter.</summary>
    protected Task<List<CheckpointTuple>> ListAllAsync(CheckpointFilter filter, CancellationToken cancellationToken = default) =>
        ToListAsync(Saver.ListAsync(filter, cancellationToken), cancellationToken);

    /// <summary>Ids of the checkpoints matching the filter, in listing order.</summary>
    protected async Task<List<Guid>> ListIdsAsync(CheckpointFilter filter) =>
        (await ListAllAsync(filter)).Select(tuple => tuple.Checkpoint.Id).ToList();

    /// <summary>Ids of records, newest first.</summary>
    protected static List<Guid> NewestFirst(IEnumerable<CheckpointRecord> records) =>
        records.Select(r => r.Id).Order(CheckpointIdComparer.Instance).Reverse().ToList();
}

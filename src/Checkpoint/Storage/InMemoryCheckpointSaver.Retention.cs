namespace Checkpoint.Storage;

/// <content>Prune by policy and thread listing.</content>
public sealed partial class InMemoryCheckpointSaver
{
    /// <inheritdoc />
    protected override Task<int> PruneCoreAsync(
        string threadId, RetentionPolicy policy, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        Run(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                if (!IsLive(threadId) || !_threads.TryGetValue(threadId, out var namespaces))
                {
                    return 0;
                }

                // Under the lock no put runs, so the doomed set and the references are exact.
                var records = namespaces.Values
                    .SelectMany(data => data.Checkpoints.Values)
                    .ToDictionary(stored => stored.Id, stored => stored.Decode(Serializer));
                var doomed = new RetentionEvaluator(policy, timeProvider.GetUtcNow())
                    .Doomed(records.Values.Select(CheckpointSummary.Of));
                foreach (var id in doomed)
                {
                    var data = namespaces[records[id].Namespace];
                    var stored = data.Checkpoints[id];
                    _ = data.Checkpoints.Remove(id);
                    data.RemoveChild(stored.ParentId);
                    _ = data.Writes.Remove(id);
                    _ = _byId.Remove(id);
                    _ = records.Remove(id);
                }

                var references = ChunkReferences.Of(records.Values);
                foreach (var data in namespaces.Values)
                {
                    foreach (var blobId in data.Chunks.Keys.ToList())
                    {
                        var blob = data.Chunks[blobId];
                        foreach (var sequence in references.Unreferenced(blobId, blob.Keys).ToList())
                        {
                            _ = blob.Remove(sequence);
                        }

                        if (blob.Count == 0)
                        {
                            _ = data.Chunks.Remove(blobId);
                        }
                    }
                }

                return doomed.Count;
            }
        });

    /// <inheritdoc />
    protected override Task<IReadOnlyList<string>> ListThreadsCoreAsync(string? after, int limit, CancellationToken cancellationToken) =>
        Run<IReadOnlyList<string>>(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                return _threads
                    .Where(pair => (after is null || string.CompareOrdinal(pair.Key, after) > 0) && IsLive(pair.Key) &&
                        pair.Value.Values.Any(data => data.Checkpoints.Count > 0))
                    .Select(pair => pair.Key)
                    .Order(StringComparer.Ordinal)
                    .Take(limit)
                    .ToList();
            }
        });
}

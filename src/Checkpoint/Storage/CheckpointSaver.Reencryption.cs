using Checkpoint.Serialization;

namespace Checkpoint.Storage;

/// <content>Key rotation: re-encrypting stored blobs in place under the current encryption key.</content>
public abstract partial class CheckpointSaver
{
    /// <summary>
    /// Re-encrypts every blob of the thread (all its namespaces) under <see cref="SerializerOptions.EncryptionKey"/>:
    /// checkpoint records (with their inline values, Send arguments and interrupt values), the chunks and blocks
    /// they reference, and their pending writes; a saver that indexes metadata re-indexes it under the new key.
    /// Reading needs each old key among <see cref="SerializerOptions.DecryptionKeys"/> (plaintext blobs:
    /// <see cref="SerializerOptions.ReadLegacyBlobs"/>). A blob already under the current key is left as it is, so
    /// a run stopped by a crash or a cancellation is finished by running it again. Each blob is swapped only if it
    /// still holds the bytes read (a concurrent put, prune or write wins, counted as
    /// <see cref="ReencryptSummary.Changed"/>). Reports the counts to <paramref name="progress"/> after each blob.
    /// </summary>
    /// <exception cref="InvalidOperationException">The serializer has no encryption key.</exception>
    /// <exception cref="UnknownKeyException">A blob is sealed with a key that is not configured.</exception>
    public Task<ReencryptSummary> ReencryptThreadAsync(
        string threadId, IProgress<ReencryptProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(threadId);
        ThrowUnlessEncrypting();
        var tally = new ReencryptTally(progress);
        return ForgettingThreadAsync(threadId, ReencryptOneThreadAsync(threadId, tally, cancellationToken));
    }

    /// <summary>
    /// <see cref="ReencryptThreadAsync"/> for every thread of the saver (<see cref="ListThreadsAsync"/> order),
    /// one thread at a time. Stops at the first error or at cancellation; running it again skips what is done.
    /// </summary>
    /// <exception cref="InvalidOperationException">The serializer has no encryption key.</exception>
    /// <exception cref="UnknownKeyException">A blob is sealed with a key that is not configured.</exception>
    public Task<ReencryptSummary> ReencryptAllAsync(IProgress<ReencryptProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ThrowUnlessEncrypting();
        return ReencryptEveryThreadAsync(new ReencryptTally(progress), cancellationToken);
    }

    /// <summary>
    /// Re-seals the stored body of <paramref name="record"/> in one atomic step: reads it, calls
    /// <paramref name="reseal"/> (null: already under the current key, leave it) and stores the result, together
    /// with the saver's metadata index when it keeps one (its keyed hashes depend on the key). A missing checkpoint
    /// is <see cref="BlobReencryption.Changed"/>. The default throws <see cref="NotSupportedException"/>.
    /// </summary>
    protected virtual Task<BlobReencryption> ReencryptRecordCoreAsync(
        CheckpointRecord record, Func<byte[], byte[]?> reseal, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} cannot re-encrypt its blobs in place.");

    /// <summary>
    /// Replaces the value of the pending write <paramref name="stored"/> of checkpoint <paramref name="checkpointId"/>
    /// by <paramref name="value"/>, atomically, only when it still holds <paramref name="stored"/>'s bytes; returns
    /// whether it did. The default throws <see cref="NotSupportedException"/>.
    /// </summary>
    protected virtual Task<bool> ReplaceWriteCoreAsync(
        string threadId, string checkpointNamespace, Guid checkpointId, PendingWrite stored, byte[] value, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} cannot re-encrypt its blobs in place.");

    private void ThrowUnlessEncrypting()
    {
        if (!Serializer.Encrypts)
        {
            throw new InvalidOperationException(
                "Re-encryption needs SerializerOptions.EncryptionKey: the key every blob is sealed with again (old keys go in DecryptionKeys).");
        }
    }

    private async Task<ReencryptSummary> ReencryptEveryThreadAsync(ReencryptTally tally, CancellationToken cancellationToken)
    {
        await foreach (var threadId in ListThreadsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            _ = await ForgettingThreadAsync(threadId, ReencryptOneThreadAsync(threadId, tally, cancellationToken)).ConfigureAwait(false);
        }

        return tally.Summary();
    }

    private async Task<ReencryptSummary> ReencryptOneThreadAsync(string threadId, ReencryptTally tally, CancellationToken cancellationToken)
    {
        tally.StartThread(threadId);

        // Read first, then rewrite: a saver's listing may hold a read transaction open while it streams.
        var tuples = new List<CheckpointTuple>();
        await foreach (var tuple in ListAsync(new CheckpointFilter { ThreadId = threadId }, cancellationToken).ConfigureAwait(false))
        {
            tuples.Add(tuple);
        }

        // One run per list blob, from the first item any checkpoint references to the last: each chunk read once.
        var ranges = new Dictionary<(string Namespace, Guid BlobId), (int Start, int End)>();
        foreach (var run in tuples.SelectMany(tuple => tuple.Checkpoint.Channels.Values.SelectMany(channel => channel.Runs),
                     (tuple, run) => (tuple.Checkpoint.Namespace, Run: run)))
        {
            var key = (run.Namespace, run.Run.BlobId);
            ranges[key] = ranges.TryGetValue(key, out var range)
                ? (Math.Min(range.Start, run.Run.Start), Math.Max(range.End, run.Run.End))
                : (run.Run.Start, run.Run.End);
        }

        foreach (var ((checkpointNamespace, blobId), (start, end)) in ranges)
        {
            await ReencryptChunksAsync(threadId, checkpointNamespace, new BlobRun(blobId, end) { Start = start }, tally, cancellationToken)
                .ConfigureAwait(false);
        }

        foreach (var (record, writes) in tuples)
        {
            tally.Checkpoints++;
            foreach (var write in writes)
            {
                await ReencryptWriteAsync(record, write, tally, cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            var address = BlobAddress.Record(record.ThreadId, record.Namespace, record.Id);
            var location = new BlobLocation(record.ThreadId, record.Id, "checkpoint");
            tally.Add(await ReencryptRecordCoreAsync(record, body => Serializer.Reencrypt(body, address, location), cancellationToken)
                .ConfigureAwait(false));
        }

        return tally.Summary();
    }

    private async Task ReencryptChunksAsync(string threadId, string checkpointNamespace, BlobRun run, ReencryptTally tally, CancellationToken cancellationToken)
    {
        var location = new BlobLocation(threadId, null, null);
        foreach (var chunk in await ReadChunksAsync(threadId, checkpointNamespace, [run], cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var address = BlobAddress.Chunk(threadId, checkpointNamespace, chunk.BlobId, chunk.Sequence);
            if (Serializer.Reencrypt(chunk.Data, address, location) is not { } data)
            {
                tally.Add(BlobReencryption.AlreadyCurrent);
                continue;
            }

            // The repack swap with a one-chunk "block": it happens only if the chunk still holds the bytes read.
            var swapped = await ReplaceChunksCoreAsync(threadId, checkpointNamespace, chunk with { Data = data }, [chunk], cancellationToken)
                .ConfigureAwait(false);
            tally.Add(swapped ? BlobReencryption.Rewritten : BlobReencryption.Changed);
        }
    }

    private async Task ReencryptWriteAsync(CheckpointRecord record, PendingWrite write, ReencryptTally tally, CancellationToken cancellationToken)
    {
        if (write.Value.Length == 0)
        {
            return; // a task's no-writes marker: no blob
        }

        cancellationToken.ThrowIfCancellationRequested();
        var address = BlobAddress.Write(record.ThreadId, record.Namespace, record.Id, write.TaskId, write.Index, write.Channel);
        if (Serializer.Reencrypt(write.Value, address, new BlobLocation(record.ThreadId, record.Id, write.Channel)) is not { } value)
        {
            tally.Add(BlobReencryption.AlreadyCurrent);
            return;
        }

        var replaced = await ReplaceWriteCoreAsync(record.ThreadId, record.Namespace, record.Id, write, value, cancellationToken).ConfigureAwait(false);
        tally.Add(replaced ? BlobReencryption.Rewritten : BlobReencryption.Changed);
    }

    /// <summary>The running counts of one re-encryption, reported after each blob.</summary>
    private sealed class ReencryptTally(IProgress<ReencryptProgress>? progress)
    {
        private int _threads;
        private long _rewritten, _current, _changed;
        private string _threadId = "";

        public int Checkpoints { get; set; }

        public void StartThread(string threadId) => (_threads, _threadId) = (_threads + 1, threadId);

        public void Add(BlobReencryption outcome)
        {
            switch (outcome)
            {
                case BlobReencryption.Rewritten:
                    _rewritten++;
                    break;
                case BlobReencryption.AlreadyCurrent:
                    _current++;
                    break;
                default:
                    _changed++;
                    break;
            }

            progress?.Report(new ReencryptProgress(_threads, _rewritten + _current + _changed, _rewritten, _current, _changed, _threadId));
        }

        public ReencryptSummary Summary() => new(_threads, Checkpoints, _rewritten + _current + _changed, _rewritten, _current, _changed);
    }
}

using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Memory;

/// <content>Key rotation: re-encrypting every stored row in place under the current encryption key.</content>
public abstract partial class MemoryStore
{
    /// <summary>
    /// Re-encrypts everything the store keeps sealed under <see cref="SerializerOptions.EncryptionKey"/>: each item's body
    /// and vector, each history (change feed) row's texts, and the subject tags of both, recomputed under the current key
    /// (<see cref="MemorySubjectTag"/>). The keyword and vector indexes hold no key-dependent bytes (they are built from
    /// the decoded items) and stay as they are. Reading needs each old key among <see cref="SerializerOptions.DecryptionKeys"/>.
    /// A row already under the current key is left as it is, so a run stopped by a crash or a cancellation is finished by
    /// running it again. Rows go in pages, each swapped only if it still holds the bytes read (a concurrent put, delete or
    /// access wins, counted as <see cref="MemoryReencryptSummary.Changed"/>); the counts go to <paramref name="progress"/>
    /// after each page. Items and versions do not change and watchers see no event.
    /// </summary>
    /// <exception cref="InvalidOperationException">The serializer has no encryption key.</exception>
    /// <exception cref="UnknownKeyException">A row is sealed with a key that is not configured.</exception>
    public Task<MemoryReencryptSummary> ReencryptAsync(IProgress<MemoryReencryptSummary>? progress = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (!Options.Serializer.Encrypts)
        {
            throw new InvalidOperationException(
                "Re-encryption needs SerializerOptions.EncryptionKey: the key every row is sealed with again (old keys go in DecryptionKeys).");
        }

        return ReencryptCoreAsync(new ReencryptTally(progress), cancellationToken);
    }

    /// <summary>
    /// Implements <see cref="ReencryptAsync"/>: every item row, then every history row, in pages, each row through
    /// <see cref="ResealItem"/> or <see cref="ResealChange"/> and swapped only if unchanged, counted in <paramref name="tally"/>
    /// (reported after each page). The serializer encrypts. The default throws <see cref="NotSupportedException"/>.
    /// </summary>
    protected virtual Task<MemoryReencryptSummary> ReencryptCoreAsync(ReencryptTally tally, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} cannot re-encrypt its rows in place.");

    /// <summary>
    /// An item row's columns sealed under the current key: its body, its sealed vector (null stays null) and its subject
    /// column (<see cref="MemorySubjectTag.Of"/> of the subject in the body); null when all three are already current.
    /// </summary>
    protected (byte[] Body, byte[]? Vector, string? Subject)? ResealItem(
        byte[] body, byte[]? sealedVector, string? subject, MemoryNamespace memoryNamespace, string key)
    {
        ArgumentNullException.ThrowIfNull(body);
        var serializer = Options.Serializer;
        var location = new BlobLocation(null, null, $"memory {memoryNamespace}:{key}");
        var newBody = serializer.Reencrypt(body, MemoryItemCodec.Address(memoryNamespace, key), location);
        var newVector = sealedVector is null ? null : serializer.Reencrypt(sealedVector, MemoryItemCodec.VectorAddress(memoryNamespace, key), location);
        var tag = MemorySubjectTag.Of(serializer, MemoryItemCodec.Decode(newBody ?? body, memoryNamespace, key, serializer).SubjectId);
        return newBody is null && newVector is null && tag == subject ? null : (newBody ?? body, newVector ?? sealedVector, tag);
    }

    /// <summary>
    /// A history row's columns sealed under the current key: its body and its subject column (the tag of the subject in
    /// the body); null when both are already current.
    /// </summary>
    protected (byte[] Body, string? Subject)? ResealChange(byte[] body, string? subject, MemoryKey key)
    {
        ArgumentNullException.ThrowIfNull(body);
        var serializer = Options.Serializer;
        var location = new BlobLocation(null, null, $"memory {key.Namespace}:{key.Key} history");
        var newBody = serializer.Reencrypt(body, MemoryChangeCodec.Address(key.Namespace, key.Key), location);
        var change = MemoryChangeCodec.Decode(newBody ?? body, key, 0, MemoryChangeKind.Add, default, serializer);
        var tag = MemorySubjectTag.Of(serializer, change.SubjectId);
        return newBody is null && tag == subject ? null : (newBody ?? body, tag);
    }

    /// <summary>The running counts of one <see cref="ReencryptAsync"/>, reported after each page.</summary>
    protected sealed class ReencryptTally(IProgress<MemoryReencryptSummary>? progress)
    {
        private long _items, _history, _rewritten, _current, _changed;

        /// <summary>Counts one row (an item, or a history row when <paramref name="history"/>) and what happened to it.</summary>
        public void Add(bool history, BlobReencryption outcome)
        {
            _ = history ? _history++ : _items++;
            _ = outcome switch
            {
                BlobReencryption.Rewritten => _rewritten++,
                BlobReencryption.AlreadyCurrent => _current++,
                _ => _changed++,
            };
        }

        /// <summary>Reports the counts so far.</summary>
        public void Report() => progress?.Report(Summary());

        /// <summary>The counts so far.</summary>
        public MemoryReencryptSummary Summary() => new(_items, _history, _items + _history, _rewritten, _current, _changed);
    }
}

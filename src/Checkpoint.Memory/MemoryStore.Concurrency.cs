namespace Checkpoint.Memory;

/// <summary>Optimistic concurrency: read-modify-write that never overwrites another writer, and version-checked deletes.</summary>
public abstract partial class MemoryStore
{
    /// <summary>The attempts <see cref="UpdateAsync(MemoryNamespace, string, Func{MemoryItem?, MemoryWrite?}, int, CancellationToken)"/> makes by default.</summary>
    public const int DefaultUpdateAttempts = 10;

    /// <summary>
    /// Reads the item at <paramref name="memoryNamespace"/>/<paramref name="key"/> (null when it does not exist or has
    /// expired), asks <paramref name="change"/> for its new content, and puts that with the version it read
    /// (<see cref="MemoryWrite.ExpectedVersion"/>; 0 when it did not exist). When another writer got there first, it
    /// reads again and asks again, up to <paramref name="maxAttempts"/> times, so no writer's update is lost;
    /// <paramref name="change"/> must therefore be safe to call more than once. Returns the stored item, or the
    /// item as read when <paramref name="change"/> returns null (nothing to change). Throws the last
    /// <see cref="MemoryConflictException"/> when every attempt lost.
    /// </summary>
    public Task<MemoryItem?> UpdateAsync(
        MemoryNamespace memoryNamespace, string key, Func<MemoryItem?, MemoryWrite?> change, int maxAttempts = DefaultUpdateAttempts,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        return UpdateAsync(memoryNamespace, key, (item, _) => ValueTask.FromResult(change(item)), maxAttempts, cancellationToken);
    }

    /// <summary>
    /// <see cref="UpdateAsync(MemoryNamespace, string, Func{MemoryItem?, MemoryWrite?}, int, CancellationToken)"/> with an
    /// asynchronous <paramref name="change"/> (one that asks a model, say).
    /// </summary>
    public async Task<MemoryItem?> UpdateAsync(
        MemoryNamespace memoryNamespace, string key, Func<MemoryItem?, CancellationToken, ValueTask<MemoryWrite?>> change,
        int maxAttempts = DefaultUpdateAttempts, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(memoryNamespace);
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxAttempts);
        for (var attempt = 1; ; attempt++)
        {
            var current = await GetAsync(memoryNamespace, key, cancellationToken).ConfigureAwait(false);
            if (await change(current, cancellationToken).ConfigureAwait(false) is not { } write)
            {
                return current;
            }

            if (!write.Namespace.Equals(memoryNamespace) || !string.Equals(write.Key, key, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"An update of memory '{memoryNamespace}' key '{key}' returned a write of '{write.Namespace}' key '{write.Key}': it must write the item it read.",
                    nameof(change));
            }

            try
            {
                return await PutAsync(write with { ExpectedVersion = current?.Version ?? 0 }, cancellationToken).ConfigureAwait(false);
            }
            catch (MemoryConflictException) when (attempt < maxAttempts)
            {
                // Another writer changed the item after we read it: read its version and apply the change to that.
            }
        }
    }

    /// <summary>
    /// Deletes the item only if it is still at <paramref name="expectedVersion"/> (the version the caller read); true
    /// when it was deleted, false when it does not exist; throws <see cref="MemoryConflictException"/> when another
    /// writer changed it since.
    /// </summary>
    public async Task<bool> DeleteAsync(MemoryNamespace memoryNamespace, string key, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(memoryNamespace);
        ValidateKey(key);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(expectedVersion);
        var removal = new MemoryRemoval(new MemoryKey(memoryNamespace, key), expectedVersion, MemoryChangeKind.Delete);
        var now = Options.TimeProvider.GetUtcNow();
        if ((await RemoveCoreAsync([removal], now, cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            return true;
        }

        var actual = await GetCoreAsync(memoryNamespace, key, cancellationToken).ConfigureAwait(false);
        return actual is null ? false : throw new MemoryConflictException(memoryNamespace, key, expectedVersion, actual.Version);
    }
}

namespace Checkpoint.Storage;

/// <content>
/// Thread time to live: the last put of each thread, kept only when a time to live is set. Reads skip expired threads;
/// their data stays until a put onto the thread or <see cref="CheckpointSaver.PurgeExpiredThreadsAsync"/> drops it.
/// Every member here runs under the saver's lock.
/// </content>
public sealed partial class InMemoryCheckpointSaver
{
    private readonly Dictionary<string, DateTimeOffset> _touched = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override TimeSpan? ThreadTimeToLive => _options.ThreadTimeToLive;

    /// <inheritdoc />
    protected override TimeProvider RetentionClock => _options.TimeProvider;

    /// <inheritdoc />
    protected override Task<IReadOnlyCollection<string>> PurgeExpiredThreadsCoreAsync(CancellationToken cancellationToken) =>
        Run<IReadOnlyCollection<string>>(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                var expired = _touched.Where(pair => !IsLive(pair.Key)).Select(pair => pair.Key).ToList();
                foreach (var threadId in expired)
                {
                    RemoveThread(threadId);
                }

                return expired;
            }
        });

    /// <summary>True unless the thread's last put is a full time to live ago.</summary>
    private bool IsLive(string threadId) =>
        _options.ThreadTimeToLive is not { } ttl || !_touched.TryGetValue(threadId, out var touched) ||
        _options.TimeProvider.GetUtcNow() - touched < ttl;

    /// <summary>The namespace's data when the thread has not expired, else null.</summary>
    private NamespaceData? FindLiveNamespace(string threadId, string checkpointNamespace) =>
        IsLive(threadId) ? FindNamespace(threadId, checkpointNamespace) : null;

    /// <summary>Before a put: drops the thread when it expired, so the put starts a fresh one.</summary>
    private void ExpireIfDue(string threadId)
    {
        if (!IsLive(threadId))
        {
            RemoveThread(threadId);
        }
    }

    /// <summary>After a put: records it as the thread's last (with a time to live).</summary>
    private void Touch(string threadId)
    {
        if (_options.ThreadTimeToLive is not null)
        {
            _touched[threadId] = _options.TimeProvider.GetUtcNow();
        }
    }

    /// <summary>Removes a thread with every checkpoint, chunk and write.</summary>
    private void RemoveThread(string threadId)
    {
        _ = _touched.Remove(threadId);
        if (!_threads.Remove(threadId, out var namespaces))
        {
            return;
        }

        foreach (var data in namespaces.Values)
        {
            foreach (var id in data.Checkpoints.Keys)
            {
                _ = _byId.Remove(id);
            }
        }
    }
}

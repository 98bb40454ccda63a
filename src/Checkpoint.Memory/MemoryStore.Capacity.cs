using Microsoft.Extensions.Logging;

namespace Checkpoint.Memory;

/// <summary>Capacity limits: counting a group after writes and evicting its least relevant items.</summary>
public abstract partial class MemoryStore
{
    private const int NamespacePage = 1_000;

    /// <summary>Raised after the store evicted items to keep a group within its capacity.</summary>
    public event EventHandler<MemoryEvictionEventArgs>? Evicted;

    /// <summary>
    /// Brings every group of every <see cref="MemoryStoreOptions.Capacity"/> limit within its limit (puts
    /// already do this for the groups they write to; call this after lowering a limit). Returns what was evicted.
    /// </summary>
    public async Task<IReadOnlyList<MemoryItem>> EnforceCapacityAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var evicted = new List<MemoryItem>();
        var namespaces = Options.Capacity.Count == 0 ? [] : await ListAllNamespacesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var limit in Options.Capacity)
        {
            var groups = new HashSet<MemoryNamespace>();
            foreach (var ns in namespaces)
            {
                if (limit.GroupOf(ns) is { } group && groups.Add(group))
                {
                    evicted.AddRange(await EnforceAsync(limit, group, [], cancellationToken).ConfigureAwait(false));
                }
            }
        }

        return evicted;
    }

    /// <summary>Implements the capacity check: the number of live (unexpired at <paramref name="now"/>) items under <paramref name="prefix"/>.</summary>
    protected abstract Task<int> CountCoreAsync(MemoryNamespace prefix, DateTimeOffset now, CancellationToken cancellationToken);

    // After a put: each group written to is checked against each limit; the items just written are never evicted by it.
    private async Task EnforceAfterPutAsync(IReadOnlyList<MemoryItem> written, CancellationToken cancellationToken)
    {
        foreach (var limit in Options.Capacity)
        {
            foreach (var group in written.Select(item => limit.GroupOf(item.Namespace)).OfType<MemoryNamespace>().Distinct())
            {
                var keep = written.Select(item => new MemoryKey(item.Namespace, item.Key)).ToHashSet();
                _ = await EnforceAsync(limit, group, keep, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<IReadOnlyList<MemoryItem>> EnforceAsync(
        CapacityLimit limit, MemoryNamespace group, HashSet<MemoryKey> keep, CancellationToken cancellationToken)
    {
        var now = Options.TimeProvider.GetUtcNow();
        var count = await CountCoreAsync(group, now, cancellationToken).ConfigureAwait(false);
        if (count <= limit.MaxItems)
        {
            return [];
        }

        var live = new List<MemoryItem>();
        await foreach (var stored in ScanCoreAsync(new MemoryScan { NamespacePrefix = group }, cancellationToken).ConfigureAwait(false))
        {
            if (!stored.Item.IsExpiredAt(now) && !keep.Contains(new MemoryKey(stored.Item.Namespace, stored.Item.Key)))
            {
                live.Add(stored.Item);
            }
        }

        var doomed = live
            .OrderBy(item => MemoryRelevance.Of(item, now, Options.Ranking.Decay))
            .ThenBy(item => item.Importance)
            .ThenBy(item => item.AccessCount)
            .ThenBy(item => item.UpdatedAt)
            .ThenBy(item => item, Comparer<MemoryItem>.Create(HybridRanker.ByIdentity))
            .Take(count - limit.MaxItems)
            .Select(item => new MemoryRemoval(new MemoryKey(item.Namespace, item.Key), item.Version, MemoryChangeKind.Evict, $"capacity {limit.Pattern} = {limit.MaxItems}"))
            .ToList();
        if (doomed.Count == 0)
        {
            return [];
        }

        var evicted = await RemoveCoreAsync(doomed, now, cancellationToken).ConfigureAwait(false);
        if (evicted.Count > 0)
        {
            if (Options.Logger is { } logger && logger.IsEnabled(LogLevel.Information))
            {
                MemoryLog.Evicted(logger, limit.Pattern, limit.MaxItems, evicted.Count, group, string.Join(", ", evicted.Select(item => item.Key)));
            }

            Evicted?.Invoke(this, new MemoryEvictionEventArgs(limit, group, evicted));
        }

        return evicted;
    }

    private async Task<IReadOnlyList<MemoryNamespace>> ListAllNamespacesAsync(CancellationToken cancellationToken)
    {
        var all = new List<MemoryNamespace>();
        for (var offset = 0; ; offset += NamespacePage)
        {
            var page = await ListNamespacesCoreAsync(new NamespaceQuery { Limit = NamespacePage, Offset = offset }, cancellationToken).ConfigureAwait(false);
            all.AddRange(page);
            if (page.Count < NamespacePage)
            {
                return all;
            }
        }
    }
}

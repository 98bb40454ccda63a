using System.Globalization;
using System.Numerics.Tensors;

namespace Checkpoint.Memory;

/// <summary>Deduplication: on write (<see cref="MemoryStoreOptions.Deduplication"/>) and by sweep.</summary>
public abstract partial class MemoryStore
{
    private const int DuplicateCandidates = 10;

    /// <summary>
    /// Merges duplicates among the items in <paramref name="memoryNamespace"/> and below: items of one
    /// namespace and subject whose normalized texts are equal, or (with vectors) whose cosine similarity
    /// reaches <see cref="DeduplicationOptions.NearThreshold"/>. Each group keeps its oldest key with the newest
    /// wording, the union of metadata (newer values win) and entities, and the highest importance; the
    /// others are removed with a <see cref="MemoryChangeKind.Merge"/> row, and the survivor's row names them
    /// as sources. Version-checked: a group another writer changed meanwhile is skipped, never overwritten.
    /// </summary>
    public async Task<DeduplicationReport> DeduplicateAsync(MemoryNamespace memoryNamespace, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(memoryNamespace);
        var now = Options.TimeProvider.GetUtcNow();
        var items = new List<StoredMemory>();
        await foreach (var stored in ScanCoreAsync(new MemoryScan { NamespacePrefix = memoryNamespace, WithVectors = true }, cancellationToken).ConfigureAwait(false))
        {
            if (!stored.Item.IsExpiredAt(now))
            {
                items.Add(stored);
            }
        }

        var survivors = new List<MemoryItem>();
        var (merged, skipped) = (0, 0);
        foreach (var group in DuplicateGroups(items))
        {
            if (await MergeGroupAsync(group, now, cancellationToken).ConfigureAwait(false) is { } survivor)
            {
                survivors.Add(survivor);
                merged += group.Count - 1;
            }
            else
            {
                skipped++;
            }
        }

        return new DeduplicationReport(items.Count, merged, survivors, skipped);
    }

    // Oldest first, each item joins the first earlier group it duplicates (same namespace and subject).
    private List<List<StoredMemory>> DuplicateGroups(List<StoredMemory> items)
    {
        var groups = new List<List<StoredMemory>>();
        var byText = new Dictionary<(MemoryNamespace, string?, string), List<StoredMemory>>();
        foreach (var stored in items.OrderBy(s => s.Item.CreatedAt).ThenBy(s => s.Item, Comparer<MemoryItem>.Create(HybridRanker.ByIdentity)))
        {
            var item = stored.Item;
            var textKey = (item.Namespace, item.SubjectId, MemoryText.Normalize(item.Content));
            var group = byText.GetValueOrDefault(textKey) ?? groups.FirstOrDefault(g => IsNear(g[0], stored));
            if (group is null)
            {
                group = [];
                groups.Add(group);
            }

            group.Add(stored);
            byText.TryAdd(textKey, group);
        }

        return [.. groups.Where(group => group.Count > 1)];
    }

    private bool IsNear(StoredMemory first, StoredMemory other) =>
        first.Item.Namespace.Equals(other.Item.Namespace) && string.Equals(first.Item.SubjectId, other.Item.SubjectId, StringComparison.Ordinal)
        && first.Embedding is { } a && other.Embedding is { } b && a.Length == b.Length
        && TensorPrimitives.CosineSimilarity(a.Span, b.Span) >= Options.Deduplication.NearThreshold;

    private async Task<MemoryItem?> MergeGroupAsync(List<StoredMemory> group, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var survivor = group[0].Item;
        var newest = group.MaxBy(stored => stored.Item.UpdatedAt)!;
        var others = group.Skip(1).Select(stored => stored.Item).ToList();
        var merged = others.Aggregate(survivor, (into, item) => Merged(into, item, now)) with { Content = newest.Item.Content, Value = newest.Item.Value ?? survivor.Value };
        var sources = others.Select(item => new MemoryKey(item.Namespace, item.Key)).ToList();
        try
        {
            var put = new MemoryPut(merged, newest.Embedding, survivor.Version)
            {
                ChangeKind = MemoryChangeKind.Merge,
                Sources = sources,
                Reason = string.Create(CultureInfo.InvariantCulture, $"deduplicated {others.Count} item(s)"),
            };
            var stored = (await PutCoreAsync([put], cancellationToken).ConfigureAwait(false))[0];
            var into = $"merged into {survivor.Namespace}:{survivor.Key}";
            _ = await RemoveCoreAsync(
                [.. others.Select(item => new MemoryRemoval(new MemoryKey(item.Namespace, item.Key), item.Version, MemoryChangeKind.Merge, into))],
                now, cancellationToken).ConfigureAwait(false);
            return stored;
        }
        catch (MemoryConflictException)
        {
            return null; // another writer changed the survivor since the scan: its edit wins
        }
    }

    // The duplicate's wording and fields folded into the existing item (newer metadata values win).
    private static MemoryItem Merged(MemoryItem existing, MemoryItem duplicate, DateTimeOffset now)
    {
        var metadata = new Dictionary<string, object>(existing.Metadata, StringComparer.Ordinal);
        foreach (var (key, value) in duplicate.Metadata)
        {
            metadata[key] = value;
        }

        return existing with
        {
            Content = duplicate.Content,
            Value = duplicate.Value ?? existing.Value,
            Metadata = metadata,
            Entities = [.. existing.Entities.Union(duplicate.Entities, StringComparer.Ordinal)],
            Importance = Math.Max(existing.Importance, duplicate.Importance),
            ExpiresAt = existing.ExpiresAt is { } a && duplicate.ExpiresAt is { } b ? (a > b ? a : b) : null,
            UpdatedAt = now,
        };
    }

    // On write: each put of a new key that duplicates a live item merges into it or links to it.
    private async Task<List<MemoryPut>> DeduplicateWritesAsync(List<MemoryPut> puts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var options = Options.Deduplication;
        if (options.Exact == DuplicateHandling.Keep && options.Near == DuplicateHandling.Keep)
        {
            return puts;
        }

        var keys = puts.Select(put => put.Key).ToHashSet();
        var result = new List<MemoryPut>(puts.Count);
        foreach (var put in puts)
        {
            var existing = put.ExpectedVersion is null ? await GetCoreAsync(put.Item.Namespace, put.Item.Key, cancellationToken).ConfigureAwait(false) : null;
            var isNew = put.ExpectedVersion is null && (existing is null || existing.IsExpiredAt(now));
            var duplicate = isNew ? await FindDuplicateAsync(put, now, cancellationToken).ConfigureAwait(false) : null;
            var handling = duplicate is null ? DuplicateHandling.Keep : duplicate.Value.Exact ? options.Exact : options.Near;
            var target = duplicate is { } d ? new MemoryKey(d.Item.Namespace, d.Item.Key) : default;
            if (handling == DuplicateHandling.Merge && keys.Add(target))
            {
                var reason = duplicate!.Value.Exact
                    ? "exact duplicate"
                    : string.Create(CultureInfo.InvariantCulture, $"near duplicate (cosine {duplicate.Value.Similarity:0.000})");
                result.Add(new MemoryPut(Merged(duplicate.Value.Item, put.Item, now), put.Embedding, duplicate.Value.Item.Version)
                {
                    ChangeKind = MemoryChangeKind.Merge,
                    Sources = [put.Key],
                    Reason = reason,
                });
                _ = keys.Remove(put.Key);
            }
            else if (handling == DuplicateHandling.Link)
            {
                var metadata = new Dictionary<string, object>(put.Item.Metadata, StringComparer.Ordinal) { ["duplicate_of"] = target.ToString() };
                result.Add(put with { Item = put.Item with { Metadata = metadata } });
            }
            else
            {
                result.Add(put);
            }
        }

        return result;
    }

    // The best live duplicate of a put in its namespace and subject: an exact one first, else the nearest above the threshold.
    private async Task<(MemoryItem Item, bool Exact, double Similarity)?> FindDuplicateAsync(MemoryPut put, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var item = put.Item;
        var useVector = put.Embedding is not null && Options.Deduplication.Near != DuplicateHandling.Keep;
        var search = new MemorySearch { NamespacePrefix = item.Namespace, Query = item.Content, Limit = DuplicateCandidates };
        var candidates = await SearchCoreAsync(new CandidateQuery(search, put.Embedding, UseKeyword: true, useVector, DuplicateCandidates, now), cancellationToken)
            .ConfigureAwait(false);
        var text = MemoryText.Normalize(item.Content);
        (MemoryItem Item, bool Exact, double Similarity)? best = null;
        foreach (var candidate in candidates)
        {
            var other = candidate.Item;
            if (!other.Namespace.Equals(item.Namespace) || other.Key == item.Key || other.IsExpiredAt(now)
                || !string.Equals(other.SubjectId, item.SubjectId, StringComparison.Ordinal))
            {
                continue;
            }

            if (MemoryText.Normalize(other.Content) == text)
            {
                return (other, true, 1);
            }

            if (useVector && candidate.VectorSimilarity is { } similarity && similarity >= Options.Deduplication.NearThreshold
                && (best is null || similarity > best.Value.Similarity))
            {
                best = (other, false, similarity);
            }
        }

        return best;
    }
}

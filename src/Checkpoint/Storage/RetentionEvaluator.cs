namespace Checkpoint.Storage;

/// <summary>
/// Computes which checkpoints a <see cref="RetentionPolicy"/> keeps, once for every saver: a pure function
/// of the checkpoints' summaries and the time of the prune. Savers read the summaries of a thread, ask
/// for the doomed ids, delete exactly those (with their writes) and collect the chunks no remaining
/// checkpoint references.
/// </summary>
/// <remarks>
/// Per namespace: the latest checkpoint (highest id) is always kept; then the count, age and step rules
/// select checkpoints, except the ancestors of the latest compaction under
/// <see cref="RetentionPolicy.DropBeforeCompaction"/> (the compaction checkpoint itself is kept: it is the
/// root of the history that remains). Pins (interrupts, tags, fork points with every child, so a second
/// prune still sees the fork) are kept with all their ancestors. With <see cref="RetentionPolicy.KeepAncestors"/>
/// every selected checkpoint's ancestors are kept too, up to the compaction checkpoint when history before
/// it is dropped. A parent outside the given set (pruned before) ends a walk. Evaluating the kept set
/// again gives the same set, so a second prune at the same time deletes nothing.
/// </remarks>
public sealed class RetentionEvaluator
{
    /// <summary>An evaluator of <paramref name="policy"/> for a prune at <paramref name="now"/>.</summary>
    public RetentionEvaluator(RetentionPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Policy = policy;
        Now = now;
    }

    /// <summary>The policy.</summary>
    public RetentionPolicy Policy { get; }

    /// <summary>The time the age rule measures from.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>The ids to delete among the checkpoints of a thread (any namespaces), oldest first.</summary>
    public IReadOnlyList<Guid> Doomed(IEnumerable<CheckpointSummary> checkpoints)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        var doomed = new List<Guid>();
        foreach (var space in checkpoints.GroupBy(summary => summary.Namespace, StringComparer.Ordinal))
        {
            var all = space.ToList();
            var kept = Keep(all);
            doomed.AddRange(all.Where(summary => !kept.Contains(summary.Id)).Select(summary => summary.Id));
        }

        doomed.Sort(CheckpointIdComparer.Instance);
        return doomed;
    }

    /// <summary>The ids kept among the checkpoints of one namespace.</summary>
    public IReadOnlySet<Guid> Keep(IReadOnlyCollection<CheckpointSummary> checkpoints)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        var kept = new HashSet<Guid>();
        if (checkpoints.Count == 0)
        {
            return kept;
        }

        var byId = new Dictionary<Guid, CheckpointSummary>(checkpoints.Count);
        var children = new Dictionary<Guid, List<Guid>>();
        foreach (var summary in checkpoints)
        {
            byId[summary.Id] = summary;
            if (summary.ParentId is { } parent)
            {
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(summary.Id);
            }
        }

        var newestFirst = byId.Keys.Order(CheckpointIdComparer.Instance).Reverse().ToList();
        var compaction = Policy.DropBeforeCompaction
            ? newestFirst.Select(id => byId[id]).FirstOrDefault(summary => summary.Source == CheckpointSource.Compact)
            : null;
        var beforeCompaction = compaction is null ? [] : Ancestors(compaction.Id, byId, stopAt: null);

        // Selected: the latest, the count, age and step rules (outside the dropped pre-compaction history).
        var selected = new HashSet<Guid> { newestFirst[0] };
        if (compaction is not null)
        {
            _ = selected.Add(compaction.Id);
        }

        for (var i = 0; i < newestFirst.Count; i++)
        {
            var summary = byId[newestFirst[i]];
            if (!beforeCompaction.Contains(summary.Id) && Selects(summary, rank: i))
            {
                _ = selected.Add(summary.Id);
            }
        }

        // Pins first, with their whole history; then the selected ones (with their history up to the
        // compaction when asked). A walk ends at a checkpoint whose history is already kept.
        var wholeHistoryKept = new HashSet<Guid>();
        foreach (var summary in byId.Values)
        {
            foreach (var pinned in Pinned(summary, children))
            {
                KeepWithAncestors(pinned, byId, kept, wholeHistoryKept, stopAt: null, wholeHistoryKept);
            }
        }

        var cutHistoryKept = new HashSet<Guid>();
        foreach (var id in selected)
        {
            _ = kept.Add(id);
            if (Policy.KeepAncestors)
            {
                KeepWithAncestors(id, byId, kept, cutHistoryKept, stopAt: beforeCompaction, wholeHistoryKept);
            }
        }

        return kept;
    }

    private bool Selects(CheckpointSummary summary, int rank) =>
        rank < Policy.KeepLatest
        || (Policy.KeepYoungerThan is { } age && Now - summary.CreatedAt < age)
        || (Policy.KeepEveryKthStep is { } k && Math.Max(summary.Step, 0) % k == 0);

    private IEnumerable<Guid> Pinned(CheckpointSummary summary, Dictionary<Guid, List<Guid>> children)
    {
        if ((Policy.KeepInterrupts && summary.HasInterrupts)
            || (Policy.KeepTags.Count > 0 && Policy.KeepTags.Any(summary.Metadata.ContainsKey)))
        {
            yield return summary.Id;
        }

        if (Policy.KeepForkPoints && children.TryGetValue(summary.Id, out var kids) && kids.Count >= 2)
        {
            yield return summary.Id;
            foreach (var kid in kids)
            {
                yield return kid;
            }
        }
    }

    /// <summary>The ancestors of a checkpoint present in <paramref name="byId"/>, walking up until one is in <paramref name="stopAt"/>.</summary>
    private static HashSet<Guid> Ancestors(Guid id, Dictionary<Guid, CheckpointSummary> byId, HashSet<Guid>? stopAt)
    {
        var ancestors = new HashSet<Guid>();
        var current = byId[id].ParentId;
        while (current is { } parent && byId.TryGetValue(parent, out var summary) && stopAt?.Contains(parent) != true && ancestors.Add(parent))
        {
            current = summary.ParentId;
        }

        return ancestors;
    }

    /// <summary>
    /// Keeps a checkpoint and its ancestors up to (not into) <paramref name="stopAt"/>, marking each one walked
    /// in <paramref name="closed"/>; a walk ends early at a checkpoint already in <paramref name="closed"/> or
    /// <paramref name="wholeHistoryKept"/> (its ancestors are kept already), so the work is linear overall.
    /// </summary>
    private static void KeepWithAncestors(
        Guid id, Dictionary<Guid, CheckpointSummary> byId, HashSet<Guid> kept, HashSet<Guid> closed, HashSet<Guid>? stopAt,
        HashSet<Guid> wholeHistoryKept)
    {
        Guid? current = id;
        while (current is { } at && byId.TryGetValue(at, out var summary) && (at == id || stopAt?.Contains(at) != true))
        {
            _ = kept.Add(at);
            if (wholeHistoryKept.Contains(at) || !closed.Add(at))
            {
                return;
            }

            current = summary.ParentId;
        }
    }
}

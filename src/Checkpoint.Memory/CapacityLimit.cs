namespace Checkpoint.Memory;

/// <summary>
/// The most items a group of namespaces may hold. <see cref="Pattern"/> is a namespace path whose labels
/// may be <c>*</c> (any one label): <c>users/*</c> limits each user separately (everything under
/// <c>users/42</c> counts for user 42), <c>agents/planner</c> limits one agent. On overflow the store evicts
/// the least relevant items (<see cref="MemoryRelevance"/>, then lowest importance, fewest retrievals, oldest
/// update) and reports them (<see cref="MemoryStore.Evicted"/>, its logger, <see cref="MemoryStore.EnforceCapacityAsync"/>).
/// </summary>
public sealed class CapacityLimit
{
    /// <summary>A limit of <paramref name="maxItems"/> for each group matching <paramref name="pattern"/>.</summary>
    public CapacityLimit(string pattern, int maxItems)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxItems);
        var labels = pattern.Trim('/').Split(MemoryNamespace.Separator);
        if (labels.Length == 0 || labels.Any(label => label.Length == 0))
        {
            throw new ArgumentException($"Capacity pattern '{pattern}' needs labels separated by '/' (a label may be '*').", nameof(pattern));
        }

        // Checks the literal labels like any namespace (length, characters).
        _ = MemoryNamespace.Of(labels.Select(label => label == "*" ? "x" : label));
        Pattern = pattern.Trim('/');
        Labels = labels;
        MaxItems = maxItems;
    }

    /// <summary>The pattern, e.g. <c>users/*</c>.</summary>
    public string Pattern { get; }

    /// <summary>The most items each matching group holds.</summary>
    public int MaxItems { get; }

    private string[] Labels { get; }

    /// <summary>The group <paramref name="memoryNamespace"/> counts in (the namespace cut to the pattern's depth), or null when it does not match.</summary>
    public MemoryNamespace? GroupOf(MemoryNamespace memoryNamespace)
    {
        ArgumentNullException.ThrowIfNull(memoryNamespace);
        if (memoryNamespace.Depth < Labels.Length)
        {
            return null;
        }

        for (var i = 0; i < Labels.Length; i++)
        {
            if (Labels[i] != "*" && !string.Equals(Labels[i], memoryNamespace.Labels[i], StringComparison.Ordinal))
            {
                return null;
            }
        }

        return memoryNamespace.Truncate(Labels.Length);
    }
}

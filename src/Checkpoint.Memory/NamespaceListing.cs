namespace Checkpoint.Memory;

/// <summary><see cref="NamespaceQuery"/> applied to a list of namespaces, for backends that list them in memory.</summary>
public static class NamespaceListing
{
    /// <summary>Filters by prefix and suffix, cuts to the max depth, de-duplicates, sorts, then pages.</summary>
    public static IReadOnlyList<MemoryNamespace> Apply(IEnumerable<MemoryNamespace> namespaces, NamespaceQuery query)
    {
        ArgumentNullException.ThrowIfNull(namespaces);
        ArgumentNullException.ThrowIfNull(query);
        return namespaces
            .Where(ns => (query.Prefix is null || query.Prefix.IsPrefixOf(ns)) && (query.Suffix is null || ns.EndsWith(query.Suffix)))
            .Select(ns => query.MaxDepth is { } depth ? ns.Truncate(depth) : ns)
            .Distinct()
            .Order()
            .Skip(query.Offset)
            .Take(query.Limit)
            .ToList();
    }
}

namespace Checkpoint.Storage;

/// <summary>The metadata part of a <see cref="CheckpointFilter"/>, shared by savers that filter in memory.</summary>
public static class MetadataFilter
{
    /// <summary>
    /// True when <paramref name="metadata"/> has every key of <paramref name="filter"/> with exactly
    /// the same value (ordinal comparison). A null or empty filter matches everything.
    /// </summary>
    public static bool Matches(IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, string>? filter)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (filter is null)
        {
            return true;
        }

        foreach (var (key, value) in filter)
        {
            if (!metadata.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}

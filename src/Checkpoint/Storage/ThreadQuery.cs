namespace Checkpoint.Storage;

/// <summary>Which threads <see cref="CheckpointSaver.ListThreadSummariesAsync"/> lists.</summary>
public sealed record ThreadQuery
{
    /// <summary>Only threads whose latest checkpoint has every one of these metadata pairs (exact match).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Only threads whose latest checkpoint was written at or after this time.</summary>
    public DateTimeOffset? UpdatedSince { get; init; }

    /// <summary>Start after this thread id (ordinal), to go on from the last one seen.</summary>
    public string? After { get; init; }

    /// <summary>True to list only threads waiting for outside input; false for only the others; null for all.</summary>
    public bool? Interrupted { get; init; }

    /// <summary>True when <paramref name="summary"/> passes every condition.</summary>
    public bool Matches(ThreadSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return (UpdatedSince is not { } since || summary.UpdatedAt >= since)
            && (Interrupted is not { } interrupted || summary.Interrupted == interrupted)
            && Metadata.All(pair => summary.Metadata.TryGetValue(pair.Key, out var value) && string.Equals(value, pair.Value, StringComparison.Ordinal));
    }
}

namespace Checkpoint;

/// <summary>Narrows <c>GetStateHistoryAsync</c>.</summary>
public sealed record HistoryFilter
{
    /// <summary>Only checkpoints whose metadata has every one of these pairs.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Only checkpoints older than this one.</summary>
    public Guid? Before { get; init; }

    /// <summary>At most this many snapshots.</summary>
    public int? Limit { get; init; }
}

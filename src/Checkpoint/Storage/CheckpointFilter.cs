namespace Checkpoint.Storage;

/// <summary>Which checkpoints <see cref="CheckpointSaver.ListAsync"/> returns (newest first).</summary>
public sealed record CheckpointFilter
{
    /// <summary>Only this thread; null for every thread.</summary>
    public string? ThreadId { get; init; }

    /// <summary>Only this namespace ("" is the root graph); null for every namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>Only checkpoints whose metadata has every one of these key/value pairs.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Only checkpoints older than this one (ids are time-ordered).</summary>
    public Guid? Before { get; init; }

    /// <summary>At most this many checkpoints.</summary>
    public int? Limit { get; init; }
}

namespace Checkpoint.Storage;

/// <summary>A channel's version at a checkpoint and where its value is stored.</summary>
public sealed record ChannelValueRef
{
    /// <summary>Monotonically increasing version of the channel on its branch.</summary>
    public required long Version { get; init; }

    /// <summary>How the value is stored.</summary>
    public ChannelLayout Layout { get; init; }

    /// <summary>The serialized value when <see cref="Layout"/> is <see cref="ChannelLayout.Inline"/>.</summary>
    public byte[]? Inline { get; init; }

    /// <summary>
    /// The schema version of the state type (<see cref="StateVersionAttribute"/>) that wrote <see cref="Inline"/>;
    /// a blob or chunk carries its own in its envelope.
    /// </summary>
    public ushort SchemaVersion { get; init; }

    /// <summary>
    /// The stored chunks that make up the value when the layout is <see cref="ChannelLayout.Blob"/>
    /// (one run ending at 1) or <see cref="ChannelLayout.Chunks"/> (one or more runs).
    /// </summary>
    public IReadOnlyList<BlobRun> Runs { get; init; } = [];

    /// <summary>
    /// For <see cref="ChannelLayout.Chunks"/>: whether a <see cref="PutMode.Continue"/> child of this
    /// checkpoint may append its items to the last run's blob instead of starting a new blob. True
    /// only along the single chain of checkpoints that wrote or inherited the blob's tail by
    /// continuation; branches start blobs of their own, so two branches never write the same chunk key.
    /// </summary>
    public bool Extendable { get; init; }
}

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
    /// The stored chunks that make up the value when the layout is <see cref="ChannelLayout.Blob"/>
    /// (one run ending at 1) or <see cref="ChannelLayout.Chunks"/> (one or more runs).
    /// </summary>
    public IReadOnlyList<BlobRun> Runs { get; init; } = [];
}

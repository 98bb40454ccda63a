namespace Checkpoint.Storage;

/// <summary>How a channel's value is stored.</summary>
public enum ChannelLayout : byte
{
    /// <summary>The serialized value is small and kept inside the checkpoint record.</summary>
    Inline = 0,

    /// <summary>The serialized value is one blob chunk (sequence 0) of its own.</summary>
    Blob = 1,

    /// <summary>
    /// A list stored as immutable chunks of items, shared by every version that contains them:
    /// the value is the concatenation of the items of every chunk of every run, in order.
    /// </summary>
    Chunks = 2,
}

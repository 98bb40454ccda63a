namespace Checkpoint.Serialization;

/// <summary>
/// Stored bytes failed their envelope or checksum, or are not well-formed MessagePack: the data was
/// corrupted or truncated. Intact data the code cannot read (another type, schema or limit) raises
/// <see cref="IncompatibleCheckpointException"/> instead.
/// </summary>
public sealed class CorruptCheckpointException : Exception
{
    /// <summary>Creates the exception for a blob at <paramref name="location"/>.</summary>
    public CorruptCheckpointException(BlobLocation location, string problem, Exception? innerException = null)
        : base($"Corrupt checkpoint data ({location}): {problem}", innerException)
    {
        Location = location;
    }

    /// <summary>Where the bad blob belongs.</summary>
    public BlobLocation Location { get; }

    /// <summary>The thread of the bad blob, when known.</summary>
    public string? ThreadId => Location.ThreadId;

    /// <summary>The checkpoint of the bad blob, when known.</summary>
    public Guid? CheckpointId => Location.CheckpointId;

    /// <summary>The channel of the bad blob, when known.</summary>
    public string? Channel => Location.Channel;
}

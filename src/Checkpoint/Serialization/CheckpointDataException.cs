namespace Checkpoint.Serialization;

/// <summary>
/// Stored checkpoint data could not be read: either it is damaged
/// (<see cref="CorruptCheckpointException"/>) or this code cannot read it
/// (<see cref="IncompatibleCheckpointException"/>). Both name where the blob belongs.
/// </summary>
public abstract class CheckpointDataException : Exception
{
    /// <summary>Creates the exception for a blob at <paramref name="location"/>.</summary>
    protected CheckpointDataException(BlobLocation location, string message, Exception? innerException)
        : base(message, innerException)
    {
        Location = location;
    }

    /// <summary>Where the blob belongs.</summary>
    public BlobLocation Location { get; }

    /// <summary>The thread of the blob, when known.</summary>
    public string? ThreadId => Location.ThreadId;

    /// <summary>The checkpoint of the blob, when known.</summary>
    public Guid? CheckpointId => Location.CheckpointId;

    /// <summary>The channel of the blob, when known.</summary>
    public string? Channel => Location.Channel;
}

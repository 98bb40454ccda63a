namespace Checkpoint.Serialization;

/// <summary>
/// Stored bytes are intact (their envelope and checksum are good) but cannot be read as asked:
/// a value of another type than the code expects (a state type that changed, a resume value of
/// the wrong type), a schema version with no upcaster, or a value over the configured limits.
/// Unlike <see cref="CorruptCheckpointException"/>, nothing was damaged: changing the code or the
/// options makes the data readable again. <see cref="Schema.StateVersionException"/> is the case of a
/// schema version that does not fit.
/// </summary>
public class IncompatibleCheckpointException : CheckpointDataException
{
    /// <summary>Creates the exception for a blob at <paramref name="location"/>.</summary>
    public IncompatibleCheckpointException(BlobLocation location, string problem, Exception? innerException = null)
        : base(location, $"Checkpoint data cannot be read by this code ({location}): {problem}", innerException)
    {
    }
}

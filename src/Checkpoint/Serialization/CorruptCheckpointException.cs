namespace Checkpoint.Serialization;

/// <summary>
/// Stored bytes failed their envelope or checksum, or are not well-formed MessagePack: the data was
/// corrupted or truncated. Intact data the code cannot read (another type, schema or limit) raises
/// <see cref="IncompatibleCheckpointException"/> instead.
/// </summary>
public sealed class CorruptCheckpointException : CheckpointDataException
{
    /// <summary>Creates the exception for a blob at <paramref name="location"/>.</summary>
    public CorruptCheckpointException(BlobLocation location, string problem, Exception? innerException = null)
        : base(location, $"Corrupt checkpoint data ({location}): {problem}", innerException)
    {
    }
}

namespace Checkpoint.Serialization;

/// <summary>
/// An encrypted blob names the key it was sealed with (envelope format 3) and that key is not
/// configured: neither <see cref="SerializerOptions.EncryptionKey"/> nor one of
/// <see cref="SerializerOptions.DecryptionKeys"/>. Nothing was damaged: configuring the key with
/// that id makes the blob readable again.
/// </summary>
public sealed class UnknownKeyException : CheckpointDataException
{
    /// <summary>Creates the exception for a blob at <paramref name="location"/> sealed with key <paramref name="keyId"/>.</summary>
    public UnknownKeyException(BlobLocation location, string keyId, IReadOnlyList<string> configuredKeyIds)
        : base(location, Describe(location, keyId, configuredKeyIds), null)
    {
        KeyId = keyId;
    }

    /// <summary>The id of the key the blob was encrypted with (<see cref="Envelope.KeyIdOf"/>).</summary>
    public string KeyId { get; }

    private static string Describe(BlobLocation location, string keyId, IReadOnlyList<string>? configured)
    {
        var known = configured is null || configured.Count == 0 ? "none" : string.Join(", ", configured);
        return $"Checkpoint data cannot be read by this code ({location}): it is encrypted with key id {keyId}, which is not configured " +
               $"(configured key ids: {known}). Add that key to SerializerOptions.DecryptionKeys.";
    }
}

using System.Security.Cryptography;
using System.Text;
using Checkpoint.Serialization;

namespace Checkpoint.Memory;

/// <summary>
/// What a database backend stores in its subject column: the subject id itself, or, when the serializer
/// encrypts, a keyed hash of it (HMAC-SHA-256 with the encryption key, 32 hex digits), so an encrypted store
/// can still find a subject's rows for erasure without keeping the id in plaintext.
/// </summary>
public static class MemorySubjectTag
{
    /// <summary>The column value for <paramref name="subjectId"/> (null stays null).</summary>
    public static string? Of(CheckpointSerializer serializer, string? subjectId)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        if (subjectId is null || serializer.Options.EncryptionKey is not { } key)
        {
            return subjectId;
        }

        var hash = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("checkpoint-memory-subject\n" + subjectId));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}

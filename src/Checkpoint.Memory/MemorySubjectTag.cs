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
    /// <summary>The column value a new row of <paramref name="subjectId"/> gets: its tag under the current key (null stays null).</summary>
    public static string? Of(CheckpointSerializer serializer, string? subjectId)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        return subjectId is null || serializer.Options.EncryptionKey is not { } key ? subjectId : Tag(key, subjectId);
    }

    /// <summary>
    /// Every column value a row of <paramref name="subjectId"/> may hold: its tag under the encryption key and under each
    /// of <see cref="SerializerOptions.DecryptionKeys"/> (rows written before a key rotation keep the old key's tag until
    /// they are re-encrypted), or the id itself without a key. A look-up by subject (erasure) matches all of them.
    /// </summary>
    public static IReadOnlyList<string> AllOf(CheckpointSerializer serializer, string subjectId)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(subjectId);
        if (serializer.Options.EncryptionKey is not { } key)
        {
            return [subjectId];
        }

        return [.. new[] { key }.Concat(serializer.Options.DecryptionKeys).Select(k => Tag(k, subjectId)).Distinct(StringComparer.Ordinal)];
    }

    private static string Tag(byte[] key, string subjectId)
    {
        var hash = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("checkpoint-memory-subject\n" + subjectId));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}

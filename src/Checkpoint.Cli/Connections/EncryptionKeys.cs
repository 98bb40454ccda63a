using Checkpoint.Serialization;

namespace Checkpoint.Cli.Connections;

/// <summary>
/// The serializer for <c>--key-env NAME</c>: the AES key is read from that environment variable (base64, or hex),
/// never from the command line, and never printed, not even in errors.
/// </summary>
internal static class EncryptionKeys
{
    public static CheckpointSerializer Serializer(string? variable) =>
        variable is null ? CheckpointSerializer.Default : new CheckpointSerializer(new SerializerOptions { EncryptionKey = Read(variable, "--key-env") });

    /// <summary>
    /// The serializer of a key rotation: new blobs under the key in <paramref name="variable"/>, old ones read with the
    /// keys in <paramref name="oldVariables"/> (and, with <paramref name="readPlaintext"/>, unencrypted ones too).
    /// </summary>
    public static CheckpointSerializer Rotation(string variable, IReadOnlyList<string> oldVariables, bool readPlaintext) =>
        new(new SerializerOptions
        {
            EncryptionKey = Read(variable, "--key-env"),
            DecryptionKeys = [.. oldVariables.Select(old => Read(old, "--old-key-env"))],
            ReadLegacyBlobs = readPlaintext,
        });

    /// <summary>The key in environment variable <paramref name="variable"/>; errors name the variable and the option, never the value.</summary>
    private static byte[] Read(string variable, string option)
    {
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw CliException.Usage($"{option} {variable}: the environment variable {variable} is not set (or empty).");
        }

        return Decode(text.Trim())
            ?? throw CliException.Usage(
                $"{option} {variable}: the value of {variable} is not an AES key; give 16, 24 or 32 bytes as base64 or hex.");
    }

    private static byte[]? Decode(string text)
    {
        if (text.Length is 32 or 48 or 64 && text.All(char.IsAsciiHexDigit))
        {
            return Convert.FromHexString(text);
        }

        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) && written is 16 or 24 or 32
            ? buffer[..written]
            : null;
    }

}

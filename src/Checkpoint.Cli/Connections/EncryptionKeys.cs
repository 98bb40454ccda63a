using Checkpoint.Serialization;

namespace Checkpoint.Cli.Connections;

/// <summary>
/// The serializer for <c>--key-env NAME</c>: the AES key is read from that environment variable (base64, or hex),
/// never from the command line, and never printed, not even in errors.
/// </summary>
internal static class EncryptionKeys
{
    public static CheckpointSerializer Serializer(string? variable)
    {
        if (variable is null)
        {
            return CheckpointSerializer.Default;
        }

        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw CliException.Usage($"--key-env {variable}: the environment variable {variable} is not set (or empty).");
        }

        var key = Decode(text.Trim())
            ?? throw CliException.Usage(
                $"--key-env {variable}: the value of {variable} is not an AES key; give 16, 24 or 32 bytes as base64 or hex.");
        return new CheckpointSerializer(new SerializerOptions { EncryptionKey = key });
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

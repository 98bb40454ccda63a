using System.Globalization;
using System.Text;

namespace Checkpoint.Memory.Markdown;

/// <summary>
/// Namespace labels as directory names, reversibly: letters, digits, '.', '_' and '-' stay, every
/// other UTF-8 byte becomes <c>%XX</c> (upper-case hex), and so does the first character of a label
/// starting with '.' (no hidden or <c>..</c> folders) or named like a file or folder of a namespace
/// (<c>memory</c>, <c>MEMORY.md</c>, <c>SOUL.md</c>, in any case). Only the canonical form decodes,
/// so one namespace never has two folders.
/// </summary>
internal static class FolderNames
{
    /// <summary>The longest directory name most file systems accept, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 255;

    private static readonly string[] Reserved = [MarkdownPaths.LogFolder, MarkdownPaths.MemoryFile, MarkdownPaths.SoulFile];

    /// <summary>The directory name of a label.</summary>
    public static string Encode(string label)
    {
        var builder = new StringBuilder(label.Length);
        var bytes = Encoding.UTF8.GetBytes(label);
        var escapeFirst = label.StartsWith('.') || Reserved.Any(name => string.Equals(name, label, StringComparison.OrdinalIgnoreCase));
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if ((i == 0 && escapeFirst) || !IsSafe(b))
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append((char)b);
            }
        }

        return builder.ToString();
    }

    /// <summary>The label of a directory name; null when the name is not the canonical form of a valid label.</summary>
    public static string? TryDecode(string name)
    {
        var bytes = new List<byte>(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '%')
            {
                if (i + 2 >= name.Length || !byte.TryParse(name.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                {
                    return null;
                }

                bytes.Add(b);
                i += 2;
            }
            else if (name[i] < 0x80)
            {
                bytes.Add((byte)name[i]);
            }
            else
            {
                return null;
            }
        }

        string label;
        try
        {
            label = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        return Encode(label) == name && IsValidLabel(label) ? label : null;
    }

    /// <summary>Throws when <paramref name="label"/> has no folder name: too long once escaped, or not valid UTF-16 (an unpaired surrogate).</summary>
    public static void Check(string label)
    {
        if (!IsWellFormed(label))
        {
            throw new ArgumentException($"Namespace label '{label}' contains an unpaired surrogate, which no file name can hold.", nameof(label));
        }

        if (Encode(label).Length > MaxNameBytes)
        {
            throw new ArgumentException(
                $"Namespace label '{label}' is too long for a folder name once escaped ({Encode(label).Length} > {MaxNameBytes} bytes); use a shorter or ASCII label with the markdown store.",
                nameof(label));
        }
    }

    /// <summary>True when <paramref name="text"/> survives UTF-8 (no unpaired surrogate).</summary>
    public static bool IsWellFormed(string text) => !text.Any(char.IsSurrogate) || Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)) == text;

    private static bool IsSafe(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'.' or (byte)'_' or (byte)'-';

    private static bool IsValidLabel(string label)
    {
        try
        {
            _ = MemoryNamespace.Of(label);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

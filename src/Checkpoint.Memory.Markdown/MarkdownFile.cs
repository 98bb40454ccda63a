using System.Security.Cryptography;

namespace Checkpoint.Memory.Markdown;

/// <summary>Which of a namespace's files this is.</summary>
internal enum MemoryFileKind
{
    /// <summary><c>SOUL.md</c>.</summary>
    Soul,

    /// <summary><c>MEMORY.md</c>.</summary>
    Memory,

    /// <summary><c>memory/YYYY-MM-DD.md</c>.</summary>
    Log,
}

/// <summary>
/// One parsed markdown file of a namespace, with what decides whether it changed on disk: its length
/// and last-write time (checked before every read) and the SHA-256 of its bytes (which decides).
/// </summary>
internal sealed class MarkdownFile
{
    /// <summary>The full path.</summary>
    public required string Path { get; init; }

    /// <summary>Which file it is.</summary>
    public required MemoryFileKind Kind { get; init; }

    /// <summary>The day of a daily log.</summary>
    public DateOnly? Date { get; init; }

    /// <summary>Length and last-write time when last read.</summary>
    public FileStamp Stamp { get; set; }

    /// <summary>The SHA-256 of the bytes.</summary>
    public required byte[] ContentHash { get; set; }

    /// <summary>The blocks: for <c>SOUL.md</c> one bullet holding the body, or none.</summary>
    public required List<MarkdownBlock> Blocks { get; set; }

    /// <summary>Files in their reading order (the first of two bullets with one key keeps it): soul, memory, logs by date.</summary>
    public (int, DateOnly) Order => (Kind switch { MemoryFileKind.Soul => 0, MemoryFileKind.Memory => 1, _ => 2 }, Date ?? default);

    /// <summary>Parses the bytes of a file.</summary>
    public static MarkdownFile Read(string path, MemoryFileKind kind, DateOnly? date, byte[] bytes, FileStamp stamp)
    {
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }

        List<MarkdownBlock> blocks;
        if (kind == MemoryFileKind.Soul)
        {
            var (body, tag) = SoulFile.Parse(text);
            blocks = body.Length > 0 || tag is not null ? [new BulletBlock(body, tag)] : [];
        }
        else
        {
            blocks = BulletList.Parse(text);
        }

        return new MarkdownFile
        {
            Path = path,
            Kind = kind,
            Date = date,
            Stamp = stamp,
            ContentHash = SHA256.HashData(bytes),
            Blocks = blocks,
        };
    }
}

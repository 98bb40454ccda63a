using System.Globalization;

namespace Checkpoint.Memory.Markdown;

/// <summary>The names of the files and folders a markdown memory root holds.</summary>
internal static class MarkdownPaths
{
    /// <summary>Identity / persona: the whole body is the item with the soul key.</summary>
    public const string SoulFile = "SOUL.md";

    /// <summary>Curated long-term and semantic facts, one bullet each.</summary>
    public const string MemoryFile = "MEMORY.md";

    /// <summary>The folder of a namespace's daily episodic logs.</summary>
    public const string LogFolder = "memory";

    /// <summary>The root's lock file, held by every writer.</summary>
    public const string LockFile = ".memory.lock";

    /// <summary>The root's folder of side files (embedding cache, access counts).</summary>
    public const string SideFolder = ".memory";

    /// <summary>The file name of the daily log of <paramref name="date"/>.</summary>
    public static string LogFileName(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".md";

    /// <summary>The date of a daily log file name; null when the name is not <c>YYYY-MM-DD.md</c>.</summary>
    public static DateOnly? LogDate(string fileName) =>
        fileName.Length == 13 && fileName.EndsWith(".md", StringComparison.Ordinal)
        && DateOnly.TryParseExact(fileName[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;

    /// <summary>The folder of a namespace under <paramref name="root"/>.</summary>
    public static string FolderOf(string root, MemoryNamespace memoryNamespace) =>
        Path.Combine([root, .. memoryNamespace.Labels.Select(FolderNames.Encode)]);
}

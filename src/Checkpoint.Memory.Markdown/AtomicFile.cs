namespace Checkpoint.Memory.Markdown;

/// <summary>
/// Whole-file writes that readers never see half done: the bytes go to a temporary file in the same
/// folder (<c>.NAME.GUID.tmp</c>), which then replaces the file by rename. Callers hold the root lock.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to a new temporary file beside <paramref name="path"/> (creating the folder) and returns its path.</summary>
    public static string WriteTemp(string path, ReadOnlySpan<byte> bytes)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        return temp;
    }

    /// <summary>Replaces <paramref name="path"/> with the temporary file.</summary>
    public static void Commit(string temp, string path) => File.Move(temp, path, overwrite: true);

    /// <summary>Deletes temporary files a crashed writer left in <paramref name="directory"/> (safe under the root lock: no writer is running).</summary>
    public static void RemoveStaleTemps(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(directory, ".*.tmp"))
        {
            TryDelete(file);
        }
    }

    /// <summary>The bytes of a file, or null when it does not exist; opened so that a writer may replace it meanwhile.</summary>
    public static byte[]? ReadShared(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or EndOfStreamException)
        {
            return null;
        }
    }

    /// <summary>The entries <paramref name="list"/> returns; none when its folder does not exist (a writer may remove an emptied folder meanwhile) or cannot (a name too long).</summary>
    public static string[] List(Func<string[]> list)
    {
        try
        {
            return list();
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or PathTooLongException)
        {
            return [];
        }
    }

    /// <summary>Deletes a file, ignoring one that is already gone.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

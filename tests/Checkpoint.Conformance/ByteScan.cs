using System.Text;

namespace Checkpoint.Conformance;

/// <summary>
/// Counts a marker's UTF-8 bytes in files as they are on disk, for erasure tests. Meaningful only when
/// the data under test is stored without compression or encryption (otherwise a marker never appears
/// as plain bytes, erased or not): tests that use it write with compression off and no key, and check
/// first that a marker of data they keep is found.
/// </summary>
public static class ByteScan
{
    /// <summary>The number of occurrences of <paramref name="marker"/> in the files (missing files count 0).</summary>
    public static int Count(IEnumerable<string> files, string marker)
    {
        ArgumentNullException.ThrowIfNull(files);
        var needle = Encoding.UTF8.GetBytes(marker);
        var count = 0;
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                continue;
            }

            var bytes = ReadShared(file);
            for (var at = bytes.AsSpan().IndexOf(needle); at >= 0;)
            {
                count++;
                var next = bytes.AsSpan(at + 1).IndexOf(needle);
                at = next < 0 ? -1 : at + 1 + next;
            }
        }

        return count;
    }

    /// <summary>Every file under a folder (hidden ones included).</summary>
    public static IEnumerable<string> FilesUnder(string folder) => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories);

    private static byte[] ReadShared(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

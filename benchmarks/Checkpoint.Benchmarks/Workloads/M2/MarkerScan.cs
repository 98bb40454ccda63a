using System.Text;

namespace Checkpoint.Benchmarks.Workloads.M2;

/// <summary>
/// Counts a marker's UTF-8 bytes in raw stored bytes (files as they are on disk, or Redis values). Only
/// meaningful for data stored without compression or encryption, which is why M2-erase writes with
/// compression off and no key, and reports the count before erasure too (it must be above 0).
/// </summary>
public static class MarkerScan
{
    /// <summary>Occurrences of <paramref name="marker"/> in the files (missing files count 0).</summary>
    public static long InFiles(IEnumerable<string> files, string marker)
    {
        ArgumentNullException.ThrowIfNull(files);
        long count = 0;
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                continue;
            }

            // Shared read: the store still has the file open.
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            count += InBytes(copy.GetBuffer().AsSpan(0, (int)copy.Length), marker);
        }

        return count;
    }

    /// <summary>Occurrences of <paramref name="marker"/> in <paramref name="bytes"/>.</summary>
    public static long InBytes(ReadOnlySpan<byte> bytes, string marker)
    {
        var needle = Encoding.UTF8.GetBytes(marker);
        long count = 0;
        for (var at = bytes.IndexOf(needle); at >= 0;)
        {
            count++;
            var next = bytes[(at + 1)..].IndexOf(needle);
            at = next < 0 ? -1 : at + 1 + next;
        }

        return count;
    }
}

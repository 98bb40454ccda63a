namespace Checkpoint.Memory.Markdown;

/// <summary>
/// What a reader remembers of a file to tell, without reading it, that it has not changed: length,
/// last-write time, and when its bytes were read. As in git's "racily clean" rule, a file written
/// less than <see cref="Granularity"/> before it was read is read again next time, because a second
/// write within the same timestamp tick and of the same length would otherwise go unseen.
/// </summary>
/// <param name="Length">The length when read.</param>
/// <param name="LastWriteUtc">The last-write time when read.</param>
/// <param name="ReadAtUtc">When the bytes were read (file-system clock).</param>
internal readonly record struct FileStamp(long Length, DateTime LastWriteUtc, DateTime ReadAtUtc)
{
    /// <summary>The coarsest last-write time resolution allowed for (FAT has 2 s).</summary>
    public static readonly TimeSpan Granularity = TimeSpan.FromSeconds(2);

    /// <summary>The stamp of <paramref name="info"/> (refreshed by the caller), read at <paramref name="readAtUtc"/>.</summary>
    public static FileStamp Of(FileInfo info, DateTime readAtUtc) => new(info.Length, info.LastWriteTimeUtc, readAtUtc);

    /// <summary>
    /// How long a file must rest before a person's edit in it is recorded: editors often save in place (truncate,
    /// then write), so a file read just after a change may be cut short, and its missing bullets are not deletions.
    /// </summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    /// <summary>True when the file had not been written for <see cref="Settle"/> when read (or its time is ahead of the clock: no telling).</summary>
    public bool IsSettled => ReadAtUtc - LastWriteUtc >= Settle || LastWriteUtc - ReadAtUtc > Granularity;

    /// <summary>True when the file surely has the bytes read under this stamp.</summary>
    public bool Matches(FileInfo info) =>
        info.Length == Length && info.LastWriteTimeUtc == LastWriteUtc && ReadAtUtc - LastWriteUtc > Granularity;

    /// <summary>The file-system clock (real time, not the store's clock, which tests fake).</summary>
    public static DateTime Now() => TimeProvider.System.GetUtcNow().UtcDateTime;
}

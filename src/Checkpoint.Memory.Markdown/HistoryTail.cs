namespace Checkpoint.Memory.Markdown;

/// <summary>What <see cref="HistoryLog.ReadAfter"/> read.</summary>
/// <param name="Entries">The lines with ids above the position asked, ascending.</param>
/// <param name="Latest">The id of the last line (0 when there is none).</param>
/// <param name="Legacy">A line without an id was read.</param>
internal sealed record HistoryTail(IReadOnlyList<HistoryEntry> Entries, long Latest, bool Legacy);

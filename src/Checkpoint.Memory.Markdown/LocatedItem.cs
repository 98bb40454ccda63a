namespace Checkpoint.Memory.Markdown;

/// <summary>An item as read from the files (access counts as written there), with the file and bullet it came from.</summary>
/// <param name="File">The file holding it.</param>
/// <param name="Block">Its bullet (for <c>SOUL.md</c>, the body).</param>
/// <param name="Item">The item.</param>
internal sealed record LocatedItem(MarkdownFile File, BulletBlock Block, MemoryItem Item);

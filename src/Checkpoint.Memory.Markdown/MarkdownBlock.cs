namespace Checkpoint.Memory.Markdown;

/// <summary>A part of a bullet file: lines a person wrote that are not bullets (kept verbatim), or one bullet.</summary>
internal abstract record MarkdownBlock;

/// <summary>Lines that are not bullets (headings, notes, blank lines), kept as they are when the store rewrites the file.</summary>
/// <param name="Lines">The raw lines.</param>
internal sealed record TextBlock(IReadOnlyList<string> Lines) : MarkdownBlock;

/// <summary>One bullet: its visible text (markers, indentation and tag removed) and its tag, null for a bullet a person wrote.</summary>
/// <param name="Text">The visible text.</param>
/// <param name="Tag">The trailing comment, if any.</param>
internal sealed record BulletBlock(string Text, BulletTag? Tag) : MarkdownBlock;

namespace Checkpoint.Memory.Markdown;

/// <summary>
/// Writes items as markdown: the content as visible text, everything else in the tag. When the
/// visible text would not read back as the content (carriage returns, a soul with leading blank
/// lines…), the tag also carries the exact content, used as long as nobody edits the text.
/// </summary>
internal static class ItemRendering
{
    /// <summary>The lines of a bullet for <paramref name="item"/>.</summary>
    public static IEnumerable<string> Bullet(MemoryItem item) =>
        BulletList.Render(item.Content, Tag(item, BulletList.VisibleText(item.Content)));

    /// <summary>The text of <c>SOUL.md</c> for <paramref name="item"/>.</summary>
    public static string Soul(MemoryItem item) =>
        SoulFile.Render(item.Content, Tag(item, SoulFile.VisibleText(item.Content)));

    private static BulletTag Tag(MemoryItem item, string visible) =>
        new(item.Key, item.Version, BulletTag.HashOf(visible), HiddenFields.Encode(item, visible == item.Content ? null : item.Content));
}

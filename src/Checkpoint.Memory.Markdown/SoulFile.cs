namespace Checkpoint.Memory.Markdown;

/// <summary>
/// Reads and writes <c>SOUL.md</c>: the whole body is the content of the soul item, followed by a blank
/// line and the item's tag on a line of its own. A file a person wrote without a tag is its body, trimmed.
/// </summary>
internal static class SoulFile
{
    /// <summary>The visible body and the tag, if the last line is one.</summary>
    public static (string Text, BulletTag? Tag) Parse(string text)
    {
        var lines = BulletList.SplitLines(text).Select(line => line.EndsWith('\r') ? line[..^1] : line).ToList();
        if (lines.Count > 0 && BulletTag.TryStrip(lines[^1]) is ({ Length: 0 }, var tag))
        {
            lines.RemoveAt(lines.Count - 1);
            if (lines.Count > 0 && lines[^1].Length == 0)
            {
                lines.RemoveAt(lines.Count - 1); // the blank line the store writes before the tag
            }

            return (string.Join('\n', lines), tag);
        }

        return (string.Join('\n', lines).Trim(), null);
    }

    /// <summary>The file text of a soul with <paramref name="content"/>.</summary>
    public static string Render(string content, BulletTag tag) => content + "\n\n" + tag.Render() + "\n";

    /// <summary>What <see cref="Parse"/> reads back as the body of a soul holding <paramref name="content"/>.</summary>
    public static string VisibleText(string content) => Parse(Render(content, new BulletTag("k", 1, "h", ""))).Text;
}

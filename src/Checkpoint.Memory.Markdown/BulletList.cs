namespace Checkpoint.Memory.Markdown;

/// <summary>
/// Reads and writes the bullet files (<c>MEMORY.md</c>, daily logs). A bullet starts with <c>- </c>
/// (or <c>* </c>, <c>+ </c> when a person writes it); its continuation lines are indented by two
/// spaces (blank lines inside it count when an indented line follows); its tag is the comment at the
/// end of its last tagged line. Everything else is text, kept verbatim.
/// </summary>
internal static class BulletList
{
    private const string Indent = "  ";

    /// <summary>The blocks of a file's text.</summary>
    public static List<MarkdownBlock> Parse(string text)
    {
        var lines = SplitLines(text);
        var blocks = new List<MarkdownBlock>();
        var plain = new List<string>();
        var i = 0;
        while (i < lines.Count)
        {
            if (!IsBulletStart(lines[i]))
            {
                plain.Add(lines[i++]);
                continue;
            }

            var start = i;
            var content = new List<string> { TrimCr(lines[i][2..]) };
            i++;
            while (i < lines.Count && ContinuationLength(lines, i) is var run and > 0)
            {
                for (var j = 0; j < run; j++, i++)
                {
                    var line = TrimCr(lines[i]);
                    content.Add(line.StartsWith(Indent, StringComparison.Ordinal) ? line[Indent.Length..] : "");
                }
            }

            var bullet = ToBullet(content);
            if (bullet.Tag is null && string.IsNullOrWhiteSpace(bullet.Text))
            {
                plain.AddRange(lines.Skip(start).Take(i - start)); // an empty bullet holds no memory
                continue;
            }

            if (plain.Count > 0)
            {
                blocks.Add(new TextBlock(plain));
                plain = [];
            }

            blocks.Add(bullet);
        }

        if (plain.Count > 0)
        {
            blocks.Add(new TextBlock(plain));
        }

        return blocks;
    }

    /// <summary>The lines of a bullet holding <paramref name="content"/>, with the tag at the end of its last line.</summary>
    public static IEnumerable<string> Render(string content, BulletTag tag)
    {
        var lines = content.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = (i == 0 ? "- " : Indent) + lines[i];
            yield return i == lines.Length - 1 ? line + " " + tag.Render() : line;
        }
    }

    /// <summary>What <see cref="Parse"/> reads back as the text of a bullet holding <paramref name="content"/> (differs when the content has carriage returns).</summary>
    public static string VisibleText(string content)
    {
        var probe = new BulletTag("k", 1, "h", "");
        return Parse(string.Join('\n', Render(content, probe)) + "\n").OfType<BulletBlock>().Single().Text;
    }

    /// <summary>A file's text from the lines of its blocks; ends with a newline.</summary>
    public static string Join(IEnumerable<IEnumerable<string>> blockLines) =>
        string.Join('\n', blockLines.SelectMany(lines => lines)) + "\n";

    /// <summary>The lines of a text; a final newline does not start another line.</summary>
    public static List<string> SplitLines(string text)
    {
        var lines = text.Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    private static bool IsBulletStart(string line) =>
        line.Length >= 2 && line[0] is ('-' or '*' or '+') && line[1] == ' ';

    // How many lines from i continue the bullet: an indented line, or blank lines followed by one.
    private static int ContinuationLength(List<string> lines, int i)
    {
        var j = i;
        while (j < lines.Count && string.IsNullOrWhiteSpace(lines[j]) && !lines[j].StartsWith(Indent, StringComparison.Ordinal))
        {
            j++;
        }

        return j < lines.Count && lines[j].StartsWith(Indent, StringComparison.Ordinal) ? j - i + 1 : 0;
    }

    private static BulletBlock ToBullet(List<string> content)
    {
        for (var k = content.Count - 1; k >= 0; k--)
        {
            if (BulletTag.TryStrip(content[k]) is var (rest, tag))
            {
                content[k] = rest;
                return new BulletBlock(string.Join('\n', content), tag);
            }
        }

        return new BulletBlock(string.Join('\n', content), null);
    }

    private static string TrimCr(string line) => line.EndsWith('\r') ? line[..^1] : line;
}

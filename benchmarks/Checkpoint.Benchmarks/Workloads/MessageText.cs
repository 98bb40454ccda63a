using System.Text;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>
/// The message text of WORKLOADS.md: exactly 200 ASCII characters of VOCAB words for step s,
/// chosen by the LCG x = (x * 1103515245 + 12345) mod 2^31 seeded with s (word = VOCAB[(x >> 16) mod 64]).
/// </summary>
public static class MessageText
{
    /// <summary>Characters per message.</summary>
    public const int Length = 200;

    /// <summary>The 64 words, index 0 first.</summary>
    public static IReadOnlyList<string> Vocab { get; } =
    [
        "the", "of", "and", "to", "in", "is", "was", "for", "on", "that", "with", "as", "by", "at", "from", "his",
        "her", "an", "it", "were", "which", "are", "this", "be", "or", "have", "had", "not", "but", "one", "their", "has",
        "been", "they", "who", "all", "more", "other", "after", "first", "new", "two", "time", "year", "also", "into",
        "state", "city", "when", "can", "would", "than", "only", "some", "its", "over", "most", "between", "where", "such",
        "about", "these", "used", "world",
    ];

    /// <summary>The text for step <paramref name="step"/> (1, 2, 3 …).</summary>
    public static string For(int step)
    {
        var text = new StringBuilder(Length + 16);
        var x = unchecked((uint)step);
        while (text.Length < Length)
        {
            x = unchecked((x * 1103515245u) + 12345u) & 0x7FFF_FFFFu;
            text.Append(Vocab[(int)((x >> 16) % 64)]).Append(' ');
        }

        return text.ToString(0, Length);
    }
}

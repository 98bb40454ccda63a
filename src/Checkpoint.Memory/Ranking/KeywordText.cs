using System.Collections.Frozen;
using System.Text;

namespace Checkpoint.Memory;

/// <summary>
/// The words keyword search sees: lowercase runs of letters and digits, minus a short list of
/// English stop words. "CK-1432" is the two words "ck" and "1432"; quotes, stars, dashes and
/// operators such as OR or NEAR are plain text, never syntax.
/// </summary>
public static class KeywordText
{
    private static readonly FrozenSet<string> StopWords = FrozenSet.Create(StringComparer.Ordinal,
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "did", "do", "does", "for", "from", "had", "has",
        "have", "he", "her", "his", "i", "if", "in", "into", "is", "it", "its", "me", "my", "of", "on", "or", "our", "she",
        "so", "that", "the", "their", "them", "then", "there", "these", "they", "this", "to", "was", "we", "were", "what",
        "when", "where", "which", "who", "whom", "why", "will", "with", "would", "you", "your");

    /// <summary>The text of an item that keyword search indexes: its content and its entity names.</summary>
    public static string Of(MemoryItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Entities.Count == 0 ? item.Content : item.Content + "\n" + string.Join(' ', item.Entities);
    }

    /// <summary>The words of <paramref name="text"/>, in order, stop words removed.</summary>
    public static IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else
            {
                Flush();
            }
        }

        Flush();
        return words;

        void Flush()
        {
            if (word.Length > 0)
            {
                var token = word.ToString();
                if (!StopWords.Contains(token))
                {
                    words.Add(token);
                }

                word.Clear();
            }
        }
    }
}

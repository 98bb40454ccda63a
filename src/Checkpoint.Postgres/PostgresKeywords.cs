using System.Globalization;
using System.Text;
using Checkpoint.Memory;

namespace Checkpoint.Postgres;

/// <summary>
/// The <c>tsvector</c> of an item and the <c>tsquery</c> of a search, built from
/// <see cref="KeywordText"/> words (the words <see cref="Bm25"/> sees) and cast from text, so no
/// parser, dictionary or stemmer of PostgreSQL changes them and ranking matches the other backends.
/// Words are letters and digits only; each is still quoted and escaped as a lexeme, so nothing in
/// user text is ever tsquery syntax (<c>'</c>, <c>&amp;</c>, <c>|</c>, <c>!</c>, <c>:</c>, <c>*</c> are not words).
/// </summary>
internal static class PostgresKeywords
{
    /// <summary>PostgreSQL keeps at most 256 positions per lexeme: term frequency is capped there.</summary>
    public const int MaxFrequency = 256;

    /// <summary>PostgreSQL refuses lexemes of 2 KB or more; such words (long letter runs) are not indexed.</summary>
    public const int MaxLexemeBytes = 2046;

    /// <summary>
    /// The tsvector text of an item's words: each distinct word with positions 1..tf (positions only
    /// count occurrences here: nothing searches phrases), and how many words there are (the BM25 length).
    /// </summary>
    public static (string Vector, int Words) Document(MemoryItem item)
    {
        var words = KeywordText.Tokenize(KeywordText.Of(item));
        var vector = new StringBuilder();
        foreach (var group in words.Where(Indexable).GroupBy(word => word, StringComparer.Ordinal))
        {
            var frequency = Math.Min(group.Count(), MaxFrequency);
            _ = vector.Append(vector.Length == 0 ? "" : " ").Append(Lexeme(group.Key)).Append(':')
                .AppendJoin(',', Enumerable.Range(1, frequency).Select(p => p.ToString(CultureInfo.InvariantCulture)));
        }

        return (vector.ToString(), words.Count);
    }

    /// <summary>The distinct indexable words of a query; empty when it has none.</summary>
    public static string[] Terms(string text) => KeywordText.Tokenize(text).Where(Indexable).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The tsquery text matching any of <paramref name="terms"/> (<c>'a' | 'b'</c>).</summary>
    public static string Query(IEnumerable<string> terms) => string.Join(" | ", terms.Select(Lexeme));

    /// <summary>Each term as a tsquery text of its own.</summary>
    public static string[] Lexemes(IEnumerable<string> terms) => terms.Select(Lexeme).ToArray();

    private static bool Indexable(string word) => Encoding.UTF8.GetByteCount(word) <= MaxLexemeBytes;

    // A quoted lexeme: quotes doubled and backslashes escaped, so even a non-word could not become syntax.
    private static string Lexeme(string word) =>
        "'" + word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";
}

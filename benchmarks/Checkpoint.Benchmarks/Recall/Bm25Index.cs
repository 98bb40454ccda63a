using System.Text.RegularExpressions;

namespace Checkpoint.Benchmarks.Recall;

/// <summary>
/// Plain Okapi BM25 (k1 = 1.2, b = 0.75) over lowercase word tokens (runs of letters and digits, so
/// "CK-1432" is "ck" + "1432" and "v3.2.1" is "v3" + "2" + "1"), with a short English stop-word list.
/// idf = ln(1 + (N - df + 0.5) / (df + 0.5)). Independent of the store's <c>Bm25</c>: the recall set's tests use it to check
/// the labels (a keyword query is found by plain BM25); the recall command measures the store's keyword mode instead.
/// </summary>
public sealed partial class Bm25Index
{
    public const double K1 = 1.2;
    public const double B = 0.75;

    /// <summary>Function words only: never a word that could name or describe a memory.</summary>
    public static readonly IReadOnlySet<string> StopWords = new HashSet<string>(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "from", "by", "with",
        "is", "are", "was", "were", "be", "been", "being", "do", "does", "did", "has", "have", "had",
        "i", "you", "he", "she", "it", "we", "they", "me", "him", "her", "us", "them", "my", "your", "his",
        "its", "our", "their", "this", "that", "these", "those", "what", "which", "who", "whom", "when",
        "where", "why", "how", "as", "if", "so", "than", "then", "there", "s", "about", "into", "can",
        "should", "would", "will", "any", "all",
    };

    private readonly List<Dictionary<string, int>> _termCounts = [];
    private readonly List<int> _lengths = [];
    private readonly Dictionary<string, int> _documentFrequency = new(StringComparer.Ordinal);
    private double _averageLength;

    public int Count => _lengths.Count;

    public static IReadOnlyList<string> Tokenize(string text) =>
        [.. Word().Matches(text.ToLowerInvariant()).Select(m => m.Value).Where(w => !StopWords.Contains(w))];

    public void Add(string document)
    {
        var tokens = Tokenize(document);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            counts[token] = counts.GetValueOrDefault(token) + 1;
        }

        foreach (var term in counts.Keys)
        {
            _documentFrequency[term] = _documentFrequency.GetValueOrDefault(term) + 1;
        }

        _termCounts.Add(counts);
        _lengths.Add(tokens.Count);
        _averageLength = _lengths.Average();
    }

    /// <summary>The BM25 score of every document (in insertion order) for <paramref name="query"/>.</summary>
    public double[] Score(string query)
    {
        var scores = new double[Count];
        foreach (var term in Tokenize(query).Distinct(StringComparer.Ordinal))
        {
            if (!_documentFrequency.TryGetValue(term, out var df))
            {
                continue;
            }

            var idf = Math.Log(1 + ((Count - df + 0.5) / (df + 0.5)));
            for (var d = 0; d < Count; d++)
            {
                if (_termCounts[d].TryGetValue(term, out var tf))
                {
                    var norm = K1 * (1 - B + (B * _lengths[d] / _averageLength));
                    scores[d] += idf * tf * (K1 + 1) / (tf + norm);
                }
            }
        }

        return scores;
    }

    [GeneratedRegex("[\\p{L}\\p{N}]+")]
    private static partial Regex Word();
}

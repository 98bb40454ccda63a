namespace Checkpoint.Memory;

/// <summary>
/// Okapi BM25 (k1 = 1.2, b = 0.75, idf = ln(1 + (N - n + 0.5) / (n + 0.5))) over
/// <see cref="KeywordText"/> words, for backends without a full-text engine. The collection
/// statistics are those of the documents given.
/// </summary>
public static class Bm25
{
    /// <summary>Term-frequency saturation.</summary>
    public const double K1 = 1.2;

    /// <summary>Length normalization.</summary>
    public const double B = 0.75;

    /// <summary>The BM25 score of each document for the query (0 when it shares no word with it).</summary>
    public static double[] Score(IReadOnlyList<string> documents, string query)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var terms = KeywordText.Tokenize(query).Distinct(StringComparer.Ordinal).ToList();
        var scores = new double[documents.Count];
        if (terms.Count == 0 || documents.Count == 0)
        {
            return scores;
        }

        var tokenized = documents.Select(KeywordText.Tokenize).ToList();
        var averageLength = Math.Max(1e-9, tokenized.Average(words => (double)words.Count));
        foreach (var term in terms)
        {
            var frequencies = tokenized.Select(words => words.Count(word => string.Equals(word, term, StringComparison.Ordinal))).ToList();
            var containing = frequencies.Count(f => f > 0);
            if (containing == 0)
            {
                continue;
            }

            var idf = Math.Log(1 + ((documents.Count - containing + 0.5) / (containing + 0.5)));
            for (var i = 0; i < documents.Count; i++)
            {
                double tf = frequencies[i];
                if (tf > 0)
                {
                    var norm = K1 * (1 - B + (B * tokenized[i].Count / averageLength));
                    scores[i] += idf * tf * (K1 + 1) / (tf + norm);
                }
            }
        }

        return scores;
    }
}

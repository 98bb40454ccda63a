namespace Checkpoint.Memory;

/// <summary>
/// The keyword half of <see cref="MemorySearchIndex"/>: an inverted index (term → slots with term
/// frequency) plus each slot's own term list, so BM25 can be computed either term by term over the
/// postings (a search over most items) or slot by slot (a search inside a small namespace). Removed
/// slots stay in the postings until the index compacts; callers skip them.
/// </summary>
internal sealed class KeywordPostings
{
    private readonly Dictionary<string, int> _termIds = new(StringComparer.Ordinal);
    private readonly List<string> _terms = [];
    private readonly List<Postings> _postings = [];
    private readonly List<int> _documentFrequency = [];
    private (int[] Terms, int[] Frequencies)[] _forward = [];
    private int[] _lengths = [];

    /// <summary>Words of every live slot together (BM25's average document length).</summary>
    public long TotalLength { get; private set; }

    /// <summary>The term counts of a text: each distinct word with its frequency, and the number of words.</summary>
    public static (List<(string Term, int Frequency)> Terms, int Length) Count(string text)
    {
        var words = KeywordText.Tokenize(text);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var word in words)
        {
            counts[word] = counts.GetValueOrDefault(word) + 1;
        }

        return (counts.Select(pair => (pair.Key, pair.Value)).ToList(), words.Count);
    }

    /// <summary>Indexes <paramref name="slot"/> (a new slot: the index never re-uses one).</summary>
    public void Add(int slot, IReadOnlyList<(string Term, int Frequency)> terms, int length)
    {
        if (slot >= _lengths.Length)
        {
            var capacity = Math.Max(64, Math.Max(slot + 1, _lengths.Length * 2));
            Array.Resize(ref _lengths, capacity);
            Array.Resize(ref _forward, capacity);
        }

        var termIds = new int[terms.Count];
        var frequencies = new int[terms.Count];
        for (var i = 0; i < terms.Count; i++)
        {
            var (term, frequency) = terms[i];
            if (!_termIds.TryGetValue(term, out var id))
            {
                id = _terms.Count;
                _termIds[term] = id;
                _terms.Add(term);
                _postings.Add(new Postings());
                _documentFrequency.Add(0);
            }

            _postings[id].Append(slot, frequency);
            _documentFrequency[id]++;
            termIds[i] = id;
            frequencies[i] = frequency;
        }

        _forward[slot] = (termIds, frequencies);
        _lengths[slot] = length;
        TotalLength += length;
    }

    /// <summary>Takes a live slot out of the statistics (its postings are skipped from now on).</summary>
    public void Remove(int slot)
    {
        foreach (var term in _forward[slot].Terms)
        {
            _documentFrequency[term]--;
        }

        TotalLength -= _lengths[slot];
        _forward[slot] = ([], []);
    }

    /// <summary>A live slot's terms as text, for re-indexing it when the index compacts.</summary>
    public List<(string Term, int Frequency)> TermsOf(int slot)
    {
        var (terms, frequencies) = _forward[slot];
        return terms.Select((term, i) => (_terms[term], frequencies[i])).ToList();
    }

    /// <summary>The number of words of a slot.</summary>
    public int LengthOf(int slot) => _lengths[slot];

    /// <summary>Forgets everything.</summary>
    public void Clear()
    {
        _termIds.Clear();
        _terms.Clear();
        _postings.Clear();
        _documentFrequency.Clear();
        _forward = [];
        _lengths = [];
        TotalLength = 0;
    }

    /// <summary>
    /// The query's known words with their BM25 idf over <paramref name="documents"/> live slots:
    /// ln(1 + (N − n + 0.5) / (n + 0.5)), as <see cref="Bm25"/>.
    /// </summary>
    public List<(int Term, double Idf)> QueryTerms(string query, int documents)
    {
        var result = new List<(int, double)>();
        foreach (var word in KeywordText.Tokenize(query).Distinct(StringComparer.Ordinal))
        {
            if (_termIds.TryGetValue(word, out var id) && _documentFrequency[id] > 0)
            {
                var containing = _documentFrequency[id];
                result.Add((id, Math.Log(1 + ((documents - containing + 0.5) / (containing + 0.5)))));
            }
        }

        return result;
    }

    /// <summary>The postings of a term: slots in insertion order with their frequency.</summary>
    public Postings PostingsOf(int term) => _postings[term];

    /// <summary>The frequency of <paramref name="term"/> in a slot (0 when absent), from the slot's own list.</summary>
    public int FrequencyIn(int slot, int term)
    {
        var (terms, frequencies) = _forward[slot];
        var at = Array.IndexOf(terms, term);
        return at < 0 ? 0 : frequencies[at];
    }

    /// <summary>One term's postings: parallel growable arrays.</summary>
    internal sealed class Postings
    {
        public int[] Slots { get; private set; } = new int[4];

        public int[] Frequencies { get; private set; } = new int[4];

        public int Count { get; private set; }

        public void Append(int slot, int frequency)
        {
            if (Count == Slots.Length)
            {
                var slots = Slots;
                var frequencies = Frequencies;
                Array.Resize(ref slots, Count * 2);
                Array.Resize(ref frequencies, Count * 2);
                (Slots, Frequencies) = (slots, frequencies);
            }

            Slots[Count] = slot;
            Frequencies[Count++] = frequency;
        }
    }
}

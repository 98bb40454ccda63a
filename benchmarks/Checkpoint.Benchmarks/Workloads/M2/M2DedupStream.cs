namespace Checkpoint.Benchmarks.Workloads.M2;

/// <summary>
/// M2-dedup's generated stream: distinct facts (WORKLOADS.md message texts, whole words only, no two sharing a
/// run of 8 words) and, with
/// a share <c>share</c> of the items spread evenly, a paraphrase of a random earlier fact: its words shuffled and 0-3 of them (uniformly)
/// swapped for another vocabulary word. Seeded, so every store sees the same stream.
/// </summary>
public sealed class M2DedupStream
{
    /// <summary>Builds the stream of <paramref name="count"/> items.</summary>
    public M2DedupStream(int count, double share, int seed)
    {
        var random = new Random(seed);
        var facts = new List<string>();
        var items = new List<Entry>(count);
        var shingles = new HashSet<string>(StringComparer.Ordinal);
        var step = 100_000;
        for (var i = 0; i < count; i++)
        {
            // Exactly round(share × count) paraphrases, spread evenly (item i is one when ⌊(i + 1)·share⌋ steps up).
            if (facts.Count > 0 && Math.Floor((i + 1) * share) > Math.Floor(i * share))
            {
                var fact = random.Next(facts.Count);
                var swaps = random.Next(4);
                items.Add(new Entry($"d{i}", Paraphrase(facts[fact], swaps, random), fact, swaps));
            }
            else
            {
                facts.Add(NextFact(ref step, shingles));
                items.Add(new Entry($"d{i}", facts[^1], facts.Count - 1, null));
            }
        }

        Items = items;
        Facts = facts;
    }

    /// <summary>The stream, in write order.</summary>
    public IReadOnlyList<Entry> Items { get; }

    /// <summary>The distinct facts' texts, by fact number.</summary>
    public IReadOnlyList<string> Facts { get; }

    // The next WORKLOADS.md text (whole words: the 200 characters may end in a cut word) sharing no run of
    // 8 words with an earlier fact. The text's LCG draws words from bits 16-21, which depend only on the low 22
    // bits of the state, so two steps can give the same words shifted by a few places: a near duplicate by
    // text (cosine ≈ 0.99) that the labels would call distinct.
    private static string NextFact(ref int step, HashSet<string> shingles)
    {
        while (true)
        {
            var words = MessageText.For(step++).Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1];
            var runs = Enumerable.Range(0, words.Length - 7).Select(at => string.Join(' ', words[at..(at + 8)])).ToList();
            if (!runs.Any(shingles.Contains))
            {
                shingles.UnionWith(runs);
                return string.Join(' ', words);
            }
        }
    }

    private static string Paraphrase(string text, int swaps, Random random)
    {
        var words = text.Split(' ');
        random.Shuffle(words);
        for (var s = 0; s < swaps; s++)
        {
            var at = random.Next(words.Length);
            string other;
            do
            {
                other = MessageText.Vocab[random.Next(MessageText.Vocab.Count)];
            }
            while (other == words[at]);
            words[at] = other;
        }

        return string.Join(' ', words);
    }

    /// <summary>One written item: its key, text, the fact it states and, for a paraphrase, the words swapped (null: the fact's first statement).</summary>
    public sealed record Entry(string Key, string Text, int Fact, int? Swaps)
    {
        /// <summary>True for a paraphrase of an earlier fact.</summary>
        public bool IsDuplicate => Swaps is not null;
    }
}

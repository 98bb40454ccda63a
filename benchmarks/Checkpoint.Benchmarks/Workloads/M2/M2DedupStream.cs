namespace Checkpoint.Benchmarks.Workloads.M2;

/// <summary>
/// M2-dedup's generated stream: distinct facts (WORKLOADS.md message texts, whole words only) and, with
/// probability <c>share</c>, a paraphrase of an earlier fact: its words shuffled and 0-3 of them (uniformly)
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
        for (var i = 0; i < count; i++)
        {
            if (facts.Count > 0 && random.NextDouble() < share)
            {
                var fact = random.Next(facts.Count);
                var swaps = random.Next(4);
                items.Add(new Entry($"d{i}", Paraphrase(facts[fact], swaps, random), fact, swaps));
            }
            else
            {
                // Whole words: the 200-character text may end in a cut word.
                var words = MessageText.For(100_000 + i).Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1];
                facts.Add(string.Join(' ', words));
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

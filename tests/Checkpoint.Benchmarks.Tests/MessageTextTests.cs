using Checkpoint.Benchmarks.Workloads;

namespace Checkpoint.Benchmarks.Tests;

public sealed class MessageTextTests
{
    // WORKLOADS.md's VOCAB, copied here independently of the generator's own list.
    private const string VocabText =
        "the of and to in is was for on that with as by at from his her an it were which are this " +
        "be or have had not but one their has been they who all more other after first new two " +
        "time year also into state city when can would than only some its over most between where " +
        "such about these used world";

    private static readonly string[] Vocab = VocabText.Split(' ');

    [Fact]
    public void Vocab_is_the_64_words_of_the_spec_in_order()
    {
        Assert.Equal(64, Vocab.Length);
        Assert.Equal(Vocab, MessageText.Vocab);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(250)]
    [InlineData(500)]
    [InlineData(2000)]
    [InlineData(65537)]
    public void Text_is_200_ascii_chars_of_vocab_words(int step)
    {
        var text = MessageText.For(step);
        Assert.Equal(200, text.Length);
        Assert.All(text, c => Assert.True(c is ' ' or (>= 'a' and <= 'z'), $"unexpected char '{c}'"));
        var words = text.Split(' ');

        // Every complete word is a VOCAB word; the last one may be cut at 200 characters.
        Assert.All(words[..^1], word => Assert.Contains(word, Vocab));
        Assert.True(words[^1].Length == 0 || Vocab.Any(v => v.StartsWith(words[^1], StringComparison.Ordinal)), $"'{words[^1]}' is no prefix of a word");
    }

    [Fact]
    public void Text_is_deterministic_and_differs_per_step()
    {
        Assert.Equal(MessageText.For(7), MessageText.For(7));
        Assert.NotEqual(MessageText.For(1), MessageText.For(2));
        Assert.Equal(500, Enumerable.Range(1, 500).Select(MessageText.For).Distinct().Count());
    }

    [Fact]
    public void Step_1_starts_with_the_words_the_lcg_gives()
    {
        // By hand: x1 = (1 * 1103515245 + 12345) mod 2^31 = 1103527590; x1 >> 16 = 16838; 16838 mod 64 = 6 -> "was".
        Assert.Equal(1103527590u, ((1u * 1103515245u) + 12345u) & 0x7FFFFFFFu);
        Assert.Equal(6u, (1103527590u >> 16) % 64);
        Assert.StartsWith("was ", MessageText.For(1), StringComparison.Ordinal);

        // Computed independently (Python, arbitrary-precision integers) from the WORKLOADS.md algorithm.
        Assert.Equal(
            "was used of year as such who such which its these has about but they for of world can their this would his for " +
            "first after for have time on about have time this were such it is they or about which are",
            MessageText.For(1));
        Assert.StartsWith("by they world would into be or have from", MessageText.For(2), StringComparison.Ordinal);
        Assert.EndsWith(" they an b", MessageText.For(2), StringComparison.Ordinal);
    }

    [Fact]
    public void Text_matches_a_reference_lcg_in_64_bit_arithmetic()
    {
        foreach (var step in new[] { 1, 2, 10, 499, 500, 1999 })
        {
            ulong x = (ulong)step;
            var expected = new System.Text.StringBuilder();
            while (expected.Length < 200)
            {
                x = ((x * 1103515245UL) + 12345UL) % 2147483648UL;
                expected.Append(Vocab[(int)((x >> 16) % 64)]).Append(' ');
            }

            Assert.Equal(expected.ToString()[..200], MessageText.For(step));
        }
    }
}

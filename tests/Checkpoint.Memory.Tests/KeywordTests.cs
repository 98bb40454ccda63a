namespace Checkpoint.Memory.Tests;

public sealed class KeywordTests
{
    [Fact]
    public void Tokens_are_lowercase_words_without_stop_words_and_syntax_is_plain_text()
    {
        Assert.Equal(["ck", "1432", "near", "login"], KeywordText.Tokenize("CK-1432 is NEAR the \"login\" OR *"));
        Assert.Empty(KeywordText.Tokenize("the and of 'OR' -- % _"));
    }

    [Fact]
    public void Bm25_prefers_rare_terms_and_shorter_documents_and_scores_non_matches_zero()
    {
        var scores = Bm25.Score(["ticket CK-1432 crash", "ticket CK-1433 billing", "ticket about a crash in the long login page flow", "weather"], "CK-1432 crash");

        Assert.True(scores[0] > scores[2]);
        Assert.True(scores[2] > 0);
        Assert.True(scores[0] > scores[1]);
        Assert.Equal(0, scores[3]);
        Assert.All(Bm25.Score(["a", "b"], "the"), s => Assert.Equal(0, s));
    }

    [Fact]
    public void Cosine_handles_zero_vectors_and_refuses_different_sizes()
    {
        Assert.Equal(1, VectorMath.Cosine([1, 2, 3], [2, 4, 6]), 6);
        Assert.Equal(0, VectorMath.Cosine([0, 0], [1, 1]));
        Assert.Throws<ArgumentException>(() => VectorMath.Cosine([1, 2], [1, 2, 3]));
    }
}

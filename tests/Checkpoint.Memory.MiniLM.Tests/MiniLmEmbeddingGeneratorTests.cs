using System.Globalization;
using Checkpoint.Memory.MiniLM;
using Microsoft.Extensions.AI;

namespace Checkpoint.Memory.MiniLM.Tests;

public sealed class MiniLmEmbeddingGeneratorTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    private const float Tolerance = 1e-5f;

    private static readonly string[] Sentences =
    [
        "I prefer Python over JavaScript",
        "my favourite language is Python",
        "the weather in Paris is rainy",
        "Alice manages the payments team",
        "Fixed bug CK-1432 on March 15",
        "Upgraded the billing service to v3.2.1",
        "short",
        "A much longer sentence about a user who moved from Berlin to Lisbon last spring and now works remotely for a fintech company.",
        "Bob is allergic to peanuts",
        "The deploy pipeline runs on GitHub Actions",
        "Her daughter's name is Maya",
    ];

    private MiniLmEmbeddingGenerator Generator => fixture.Generator;

    private async Task<float[][]> EmbedAsync(IEnumerable<string> texts, IEmbeddingGenerator<string, Embedding<float>>? generator = null)
    {
        var result = await (generator ?? Generator).GenerateAsync(texts);
        return [.. result.Select(e => e.Vector.ToArray())];
    }

    [Fact]
    public async Task Vectors_have_384_dimensions_and_carry_the_model_id()
    {
        var result = await Generator.GenerateAsync(Sentences);

        Assert.Equal(Sentences.Length, result.Count);
        Assert.All(result, e =>
        {
            Assert.Equal(384, e.Vector.Length);
            Assert.Equal(384, e.Dimensions);
            Assert.Equal(MiniLmEmbeddingGenerator.ModelId, e.ModelId);
            Assert.NotNull(e.CreatedAt);
        });
    }

    [Fact]
    public void Metadata_names_the_model_and_dimensions()
    {
        var metadata = Generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Same(Generator.Metadata, metadata);
        Assert.Equal("sentence-transformers/all-MiniLM-L6-v2", metadata.DefaultModelId);
        Assert.Equal(384, metadata.DefaultModelDimensions);
        Assert.Equal(MiniLmEmbeddingGenerator.ProviderName, metadata.ProviderName);
        Assert.Same(Generator, Generator.GetService<MiniLmEmbeddingGenerator>());
        Assert.Null(Generator.GetService(typeof(EmbeddingGeneratorMetadata), "some key"));
        Assert.Null(Generator.GetService(typeof(string)));
    }

    [Fact]
    public async Task Vectors_are_unit_length()
    {
        var vectors = await EmbedAsync(Sentences);

        Assert.All(vectors, v => Assert.InRange(MathF.Sqrt(Vectors.Dot(v, v)), 1f - 1e-4f, 1f + 1e-4f));
    }

    [Fact]
    public async Task The_same_text_gives_the_same_vector()
    {
        var first = await EmbedAsync(Sentences);
        var second = await EmbedAsync(Sentences);

        for (var i = 0; i < first.Length; i++)
        {
            Assert.Equal(first[i], second[i]);
        }
    }

    [Fact]
    public async Task Paraphrases_are_closer_than_unrelated_text()
    {
        var v = await EmbedAsync(["I prefer Python over JavaScript", "my favourite language is Python", "the weather in Paris is rainy"]);

        var related = Vectors.Dot(v[0], v[1]);
        var unrelated = Vectors.Dot(v[0], v[2]);

        Assert.True(related > unrelated + 0.2f, $"related {related}, unrelated {unrelated}");
    }

    [Fact]
    public async Task A_batch_gives_the_vectors_of_one_by_one_calls_in_input_order()
    {
        var batched = await EmbedAsync(Sentences);

        for (var i = 0; i < Sentences.Length; i++)
        {
            var single = (await EmbedAsync([Sentences[i]]))[0];
            Assert.True(Vectors.MaxAbsDifference(batched[i], single) < Tolerance, $"sentence {i} differs");
        }
    }

    [Fact]
    public async Task Parallel_callers_get_the_vectors_of_a_lone_caller()
    {
        var expected = await EmbedAsync(Sentences);

        var calls = Enumerable.Range(0, 4).Select(k => Task.Run(async () =>
        {
            // Each caller embeds a different rotation, so batches mix differently.
            var rotated = Sentences.Skip(k % Sentences.Length).Concat(Sentences.Take(k % Sentences.Length)).ToArray();
            var vectors = await EmbedAsync(rotated);
            return (Rotation: k % Sentences.Length, Vectors: vectors);
        }));
        var results = await Task.WhenAll(calls);

        foreach (var (rotation, vectors) in results)
        {
            for (var i = 0; i < vectors.Length; i++)
            {
                var original = (i + rotation) % Sentences.Length;
                Assert.True(Vectors.MaxAbsDifference(vectors[i], expected[original]) < Tolerance, $"rotation {rotation}, item {i}");
            }
        }
    }

    [Fact]
    public async Task A_cancelled_token_stops_before_any_batch()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Generator.GenerateAsync(Sentences, cancellationToken: cts.Token));
    }

    [Fact]
    public async Task Cancellation_is_honoured_between_batches()
    {
        using var cts = new CancellationTokenSource();
        using var generator = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { BatchSize = 2 });
        var batches = 0;
        generator.BatchEncoded = _ =>
        {
            batches++;
            cts.Cancel();
        };
        var texts = Enumerable.Range(0, 10).Select(i => $"memory number {i}").ToArray();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(texts, cancellationToken: cts.Token));

        Assert.Equal(1, batches);
    }

    [Fact]
    public async Task Null_and_blank_texts_are_refused_with_their_index()
    {
        await Assert.ThrowsAsync<ArgumentNullException>("values", () => Generator.GenerateAsync(null!));

        var nullItem = await Assert.ThrowsAsync<ArgumentException>("values", () => Generator.GenerateAsync(["fine", null!]));
        Assert.Contains("Text 1 is null", nullItem.Message, StringComparison.Ordinal);

        var blank = await Assert.ThrowsAsync<ArgumentException>("values", () => Generator.GenerateAsync(["fine", "ok", " \t\n"]));
        Assert.Contains("Text 2 is empty", blank.Message, StringComparison.Ordinal);

        await Assert.ThrowsAsync<ArgumentException>("values", () => Generator.GenerateAsync([""]));
    }

    [Fact]
    public async Task An_empty_sequence_gives_no_embeddings()
    {
        var result = await Generator.GenerateAsync([]);

        Assert.Empty(result);
    }

    [Fact]
    public async Task Options_may_name_this_model_and_its_dimensions_only()
    {
        var ok = await Generator.GenerateAsync(["hello"], new EmbeddingGenerationOptions { ModelId = MiniLmEmbeddingGenerator.ModelId, Dimensions = 384 });
        Assert.Single(ok);

        await Assert.ThrowsAsync<ArgumentException>("options", () => Generator.GenerateAsync(["hello"], new EmbeddingGenerationOptions { Dimensions = 256 }));
        await Assert.ThrowsAsync<ArgumentException>("options", () => Generator.GenerateAsync(["hello"], new EmbeddingGenerationOptions { ModelId = "text-embedding-3-small" }));
    }

    [Fact]
    public async Task Whitespace_case_and_accents_do_not_change_the_vector()
    {
        var v = await EmbedAsync(["Café owner Zoë likes\tjazz\nmusic", "cafe owner zoe likes jazz music"]);

        Assert.True(Vectors.MaxAbsDifference(v[0], v[1]) < Tolerance);
    }

    [Fact]
    public async Task The_current_culture_does_not_change_the_vector()
    {
        var invariant = (await EmbedAsync(["IT IS WINTER IN ISTANBUL"]))[0];
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("tr-TR");
        try
        {
            var turkish = (await EmbedAsync(["IT IS WINTER IN ISTANBUL"]))[0];
            Assert.True(Vectors.MaxAbsDifference(invariant, turkish) < Tolerance);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public async Task Created_at_comes_from_the_time_provider()
    {
        var now = new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero);
        using var generator = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { TimeProvider = new FixedTimeProvider(now) });

        var result = await generator.GenerateAsync(["hello"]);

        Assert.Equal(now, result[0].CreatedAt);
    }

    [Fact]
    public async Task A_disposed_generator_refuses_calls_and_disposes_once()
    {
        var generator = new MiniLmEmbeddingGenerator();
        _ = await generator.GenerateAsync(["warm"]);

        generator.Dispose();
        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(["hello"]));
    }

    [Fact]
    public void Bad_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { MaxConcurrentRuns = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 0 }));
    }
}

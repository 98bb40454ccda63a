using Checkpoint.Conformance.Memory;

namespace Checkpoint.Memory.Tests;

/// <summary>Bad input is refused by the base class, before any backend sees it, with errors naming the problem.</summary>
public sealed class ValidationTests
{
    private readonly InMemoryMemoryStore _store = new(new MemoryStoreOptions { MaxContentChars = 100, MaxValueBytes = 16, MaxKeyLength = 20 });

    private static MemoryWrite Write(string key = "k", string content = "text") => new() { Namespace = MemoryNamespace.Of("a"), Key = key, Content = content };

    private async Task<string> RefusedAsync(MemoryWrite write) => (await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.PutAsync(write))).Message;

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("a-key-that-is-far-too-long")]
    public async Task Bad_keys_are_refused(string key)
    {
        Assert.Contains("1 to 20 characters", await RefusedAsync(Write(key)), StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => _store.GetAsync(MemoryNamespace.Of("a"), key));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.DeleteAsync(MemoryNamespace.Of("a"), key));
    }

    [Fact]
    public async Task Oversized_content_and_values_are_refused_naming_the_limit()
    {
        Assert.Contains("limit of 100 (MaxContentChars)", await RefusedAsync(Write(content: new string('x', 101))), StringComparison.Ordinal);
        Assert.Contains("limit of 16 (MaxValueBytes)", await RefusedAsync(Write().WithValue(new string('x', 40))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Importance_metadata_expiry_entities_and_versions_are_checked()
    {
        Assert.Contains("importance", await RefusedAsync(Write() with { Importance = 1.5 }), StringComparison.Ordinal);
        Assert.Contains("importance", await RefusedAsync(Write() with { Importance = double.NaN }), StringComparison.Ordinal);
        Assert.Contains("Metadata 'when'", await RefusedAsync(Write() with { Metadata = new Dictionary<string, object> { ["when"] = DateTime.UtcNow } }), StringComparison.Ordinal);
        Assert.Contains("Metadata 'x'", await RefusedAsync(Write() with { Metadata = new Dictionary<string, object> { ["x"] = double.NaN } }), StringComparison.Ordinal);
        Assert.Contains("TimeToLive", await RefusedAsync(Write() with { TimeToLive = TimeSpan.Zero }), StringComparison.Ordinal);
        Assert.Contains("TimeToLive", await RefusedAsync(Write() with { TimeToLive = TimeSpan.FromHours(1), ExpiresAt = DateTimeOffset.UtcNow }), StringComparison.Ordinal);
        Assert.Contains("entity", await RefusedAsync(Write() with { Entities = [" "] }), StringComparison.Ordinal);
        Assert.Contains("ExpectedVersion", await RefusedAsync(Write() with { ExpectedVersion = -1 }), StringComparison.Ordinal);
        Assert.Contains("twice in one batch", (await Assert.ThrowsAsync<ArgumentException>(() => _store.PutManyAsync([Write(), Write()]))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Searches_and_listings_are_checked()
    {
        var ns = MemoryNamespace.Of("a");
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.SearchAsync(new MemorySearch { NamespacePrefix = ns, Limit = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.SearchAsync(new MemorySearch { NamespacePrefix = ns, Limit = 5000 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.SearchAsync(new MemorySearch { NamespacePrefix = ns, Offset = -1 }));
        var badIn = await Assert.ThrowsAsync<ArgumentException>(() => _store.SearchAsync(new MemorySearch { NamespacePrefix = ns, Metadata = [new MetadataCondition("k", MetadataOperator.In, "x")] }));
        Assert.Contains("list of values", badIn.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => _store.SearchAsync(new MemorySearch { NamespacePrefix = ns, Metadata = [MetadataCondition.Eq("k", new object())] }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.ListNamespacesAsync(new NamespaceQuery { MaxDepth = 0 }));
    }

    [Fact]
    public void Options_are_checked_when_the_store_is_made()
    {
        Assert.Throws<ArgumentException>(() => new InMemoryMemoryStore(new MemoryStoreOptions { Ranking = new RankingOptions { KeywordWeight = -1 } }));
        Assert.Throws<ArgumentException>(() => new InMemoryMemoryStore(new MemoryStoreOptions { Ranking = new RankingOptions { CodeKeywordWeight = double.NaN } }));
        Assert.Throws<ArgumentException>(() => new InMemoryMemoryStore(new MemoryStoreOptions { Ranking = new RankingOptions { KeywordSaturation = 0 } }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryMemoryStore(new MemoryStoreOptions { Dimensions = 0 }));
    }

    [Fact]
    public async Task A_disposed_store_says_so()
    {
        var store = new InMemoryMemoryStore(new MemoryStoreOptions { Embeddings = new ConceptEmbeddingGenerator() });
        await store.DisposeAsync();
        var error = await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GetAsync(MemoryNamespace.Of("a"), "k"));
        Assert.Contains(nameof(InMemoryMemoryStore), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encrypted_bodies_are_bound_to_their_namespace_and_key()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var serializer = new Checkpoint.Serialization.CheckpointSerializer(new Checkpoint.Serialization.SerializerOptions { EncryptionKey = key });
        var item = new MemoryItem { Namespace = MemoryNamespace.Of("users", "1"), Key = "k", Content = "secret" };

        var body = MemoryItemCodec.Encode(item, serializer);

        Assert.Equal("secret", MemoryItemCodec.Decode(body, item.Namespace, "k", serializer).Content);
        Assert.False(body.AsSpan().IndexOf("secret"u8) >= 0);
        Assert.ThrowsAny<Exception>(() => MemoryItemCodec.Decode(body, MemoryNamespace.Of("users", "2"), "k", serializer));
        Assert.ThrowsAny<Exception>(() => MemoryItemCodec.Decode(body, item.Namespace, "other", serializer));
    }
}

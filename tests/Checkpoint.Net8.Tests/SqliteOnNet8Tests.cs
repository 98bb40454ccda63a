using Checkpoint.Memory;
using Checkpoint.Sqlite;
using Xunit;

namespace Checkpoint.Net8.Tests;

/// <summary>SQLite on .NET 8: a real file in a fresh temp directory, deleted afterwards.</summary>
public sealed class SqliteOnNet8Tests : IDisposable
{
    private static readonly MemoryNamespace Facts = MemoryNamespace.Of("users", "42", "facts");
    private readonly string _directory = Directory.CreateTempSubdirectory("checkpoint-net8-").FullName;

    private string DatabasePath => Path.Combine(_directory, "agent.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_graph_pauses_at_an_interrupt_and_resumes_encrypted() =>
        await ApprovalScenario.RunAsync(serializer =>
            Task.FromResult<Storage.CheckpointSaver>(new SqliteCheckpointSaver(
                $"Data Source={DatabasePath};Pooling=False", new SqliteCheckpointSaverOptions { Serializer = serializer })));

    [Fact]
    public async Task The_memory_store_puts_and_finds_by_meaning_and_by_word()
    {
        Net8Runtime.AssertRunningOnDotnet8();
        await using (var store = Open())
        {
            await store.PutAsync(new MemoryWrite { Namespace = Facts, Key = "pet", Content = "Has a puppy called Rex" });
            await store.PutAsync(new MemoryWrite { Namespace = Facts, Key = "food", Content = "Vegetarian, loves pasta" });
            await store.PutAsync(new MemoryWrite { Namespace = Facts, Key = "lang", Content = "Writes Python at work" });
        }

        // A second store on the same file: what it finds was read back from disk.
        await using var reopened = Open();
        var byMeaning = await reopened.SearchAsync(new MemorySearch { NamespacePrefix = Facts, Query = "dogs and pets", Mode = SearchMode.Vector });
        Assert.Equal("pet", byMeaning[0].Item.Key);
        var byWord = await reopened.SearchAsync(new MemorySearch { NamespacePrefix = Facts, Query = "pasta", Mode = SearchMode.Keyword });
        Assert.Equal("food", Assert.Single(byWord).Item.Key);
        Assert.Equal("Writes Python at work", (await reopened.GetAsync(Facts, "lang"))!.Content);
    }

    private SqliteMemoryStore Open() =>
        new($"Data Source={DatabasePath};Pooling=False", new MemoryStoreOptions { Embeddings = new Conformance.Memory.ConceptEmbeddingGenerator() });
}

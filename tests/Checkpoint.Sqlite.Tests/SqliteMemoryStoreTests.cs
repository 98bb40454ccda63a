using System.Text;
using Checkpoint.Conformance.Memory;
using Checkpoint.Memory;
using Checkpoint.Serialization;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>What the conformance suite cannot see: the file, other processes, FTS5 syntax, encryption at rest.</summary>
public sealed class SqliteMemoryStoreTests : IDisposable
{
    private static readonly MemoryNamespace Facts = MemoryNamespace.Of("users", "42", "facts");
    private readonly TempDatabase _database = new();
    private readonly ConceptEmbeddingGenerator _embeddings = new();

    public void Dispose() => _database.Dispose();

    private SqliteMemoryStore Open(MemoryStoreOptions? options = null) =>
        new(_database.Path, options ?? new MemoryStoreOptions { Embeddings = _embeddings });

    private static MemoryWrite Write(string key, string content) => new() { Namespace = Facts, Key = key, Content = content };

    private static MemorySearch Search(string query, SearchMode mode) => new() { NamespacePrefix = Facts, Query = query, Mode = mode };

    [Fact]
    public async Task The_store_and_the_checkpoint_saver_share_one_file()
    {
        var run = RunConfig.ForThread("shared");
        await using (var saver = _database.CreateSaver())
        await using (var store = Open())
        {
            await NoteGraphs.Confirm(saver).InvokeAsync(new NoteState(), run);
            await store.PutAsync(Write("lang", "Prefers Python over JavaScript"));
        }

        await using (var saver = _database.CreateSaver())
        await using (var store = Open())
        {
            Assert.NotNull(await saver.GetAsync("shared", "", null));
            Assert.Equal("Prefers Python over JavaScript", (await store.GetAsync(Facts, "lang"))!.Content);
        }

        await using var connection = new SqliteConnection(_database.RawConnectionString);
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;";
        var tables = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.Contains("checkpoint_checkpoints", tables);
        Assert.Contains("checkpoint_memories", tables);
        Assert.DoesNotContain("checkpoint_memories_fts", tables);
        Assert.Contains("checkpoint_memory_schema_version", tables);
    }

    [Fact]
    public async Task A_version_1_file_loses_its_fts_table_and_keeps_its_items()
    {
        // A version 1 file as that version wrote it: its tables, one item and its FTS row.
        var sql = new SqliteMemorySql(new SqliteTables(SqliteCheckpointSaverOptions.DefaultTablePrefix));
        var item = new MemoryItem { Namespace = Facts, Key = "lang", Content = "Prefers Python over JavaScript", Version = 1 };
        await using (var connection = new SqliteConnection($"Data Source={_database.Path}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = SqliteMemorySchema.Migrations(sql)[0] + $"""
                CREATE TABLE {sql.VersionTable} (version INTEGER NOT NULL);
                INSERT INTO {sql.VersionTable} (version) VALUES (1);
                INSERT INTO {sql.Items} (id, ns, key, kind, created, updated, accessed, importance, access_count, version, body)
                VALUES (7, $ns, 'lang', 0, 0, 0, 0, 0.5, 0, 1, $body);
                INSERT INTO {sql.Fts} (rowid, text) VALUES (7, 'prefers python javascript');
                """;
            command.Parameters.AddWithValue("$ns", Facts.StorageKey);
            command.Parameters.AddWithValue("$body", MemoryItemCodec.Encode(item, new CheckpointSerializer()));
            await command.ExecuteNonQueryAsync();
        }

        await using (var reopened = Open())
        {
            Assert.Equal("lang", Assert.Single(await reopened.SearchAsync(Search("python", SearchMode.Keyword))).Item.Key);
        }

        await using var check = new SqliteConnection($"Data Source={_database.Path}");
        await check.OpenAsync();
        await using var query = check.CreateCommand();
        query.CommandText = "SELECT (SELECT count(*) FROM sqlite_master WHERE name = 'checkpoint_memories_fts'), (SELECT version FROM checkpoint_memory_schema_version);";
        await using var reader = await query.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(0, reader.GetInt64(0));
        Assert.Equal(4, reader.GetInt64(1)); // migrated through every version (3: history, 4: its ids never reused)
    }

    [Fact]
    public async Task Two_stores_on_one_file_see_each_others_writes_in_keyword_and_vector_search()
    {
        await using var first = Open();
        await using var second = Open();
        await first.PutAsync(Write("pet", "Has a dog named Rex"));

        // The first store builds its vector index; then the other "process" writes.
        Assert.Equal("pet", Assert.Single(await first.SearchAsync(Search("puppy", SearchMode.Vector) with { Limit = 1 })).Item.Key);
        await second.PutAsync(Write("food", "Eats sushi every Friday"));

        Assert.Equal("food", Assert.Single(await first.SearchAsync(Search("sushi", SearchMode.Keyword))).Item.Key);
        Assert.Equal("food", (await first.SearchAsync(Search("dinner meal", SearchMode.Vector)))[0].Item.Key);

        // A delete and an update by the other store are seen as well.
        Assert.True(await second.DeleteAsync(Facts, "food"));
        Assert.DoesNotContain(await first.SearchAsync(Search("dinner meal", SearchMode.Vector)), hit => hit.Item.Key == "food");
        await second.PutAsync(Write("pet", "Plays jazz guitar"));
        var top = (await first.SearchAsync(Search("music concert", SearchMode.Vector)))[0];
        Assert.Equal(("pet", "Plays jazz guitar"), (top.Item.Key, top.Item.Content));
        Assert.Empty(await first.SearchAsync(Search("dog", SearchMode.Keyword)));
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("\"unbalanced")]
    [InlineData("*")]
    [InlineData("pyth*")]
    [InlineData("NEAR(python javascript)")]
    [InlineData("-python")]
    [InlineData("python OR")]
    [InlineData("OR AND NOT")]
    [InlineData("'; DROP TABLE checkpoint_memories; --")]
    [InlineData("text: python ^ {col}")]
    public async Task Search_syntax_in_query_text_is_data(string query)
    {
        await using var store = Open();
        await store.PutAsync(Write("lang", "Prefers python; says \"NEAR\" OR 'quotes' -dash * star"));

        var hits = await store.SearchAsync(Search(query, SearchMode.Keyword));

        var words = KeywordText.Tokenize(query);
        Assert.Equal(words.Any(w => w is "python" or "near" or "quotes" or "dash" or "star"), hits.Count == 1);
        Assert.NotNull(await store.GetAsync(Facts, "lang"));
    }

    [Fact]
    public async Task An_encrypted_store_leaves_no_content_in_the_file()
    {
        const string Marker = "Zanzibarquux";
        var serializer = new CheckpointSerializer(new SerializerOptions { EncryptionKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray() });
        var options = new MemoryStoreOptions { Embeddings = _embeddings, Serializer = serializer };
        await using (var store = Open(options))
        {
            await store.PutAsync(new MemoryWrite
            {
                Namespace = Facts, Key = "secret", Content = $"The vault word is {Marker} for the dog", Entities = [Marker + "Entity"],
                SubjectId = Marker + "Subject", Metadata = new Dictionary<string, object> { ["tag"] = Marker + "Meta" },
            });

            // Keyword search still works (scored in the client), as do vector search and get.
            Assert.Equal("secret", Assert.Single(await store.SearchAsync(Search(Marker, SearchMode.Keyword))).Item.Key);
            Assert.Equal("secret", Assert.Single(await store.SearchAsync(Search("puppy", SearchMode.Vector))).Item.Key);
            Assert.Equal("secret", Assert.Single(await store.SearchAsync(Search(Marker + "entity", SearchMode.Hybrid))).Item.Key);
        }

        // The vector is enveloped too: its raw float bytes are nowhere in the file.
        var vector = (await _embeddings.GenerateAsync([$"The vault word is {Marker} for the dog"]))[0].Vector.ToArray();
        var rawVector = System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();
        foreach (var bytes in await RawBytesAsync())
        {
            Assert.Equal(-1, bytes.AsSpan().IndexOf(rawVector));
            foreach (var form in new[] { Marker, Marker.ToLowerInvariant(), Marker.ToUpperInvariant() })
            {
                Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(form)));
                Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(form)));
            }
        }
    }

    [Fact]
    public async Task Without_a_key_the_content_is_in_the_file_so_the_scan_above_means_something()
    {
        await using (var store = Open())
        {
            await store.PutAsync(Write("plain", "The vault word is Zanzibarquux"));
        }

        var vector = (await _embeddings.GenerateAsync(["The vault word is Zanzibarquux"]))[0].Vector.ToArray();
        var rawVector = System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();
        var files = await RawBytesAsync();
        Assert.Contains(files, bytes => bytes.AsSpan().IndexOf("Zanzibarquux"u8) >= 0);
        Assert.Contains(files, bytes => bytes.AsSpan().IndexOf(rawVector) >= 0);
    }

    [Fact]
    public async Task Reopening_the_file_keeps_items_words_and_vectors()
    {
        await using (var store = Open())
        {
            await store.PutManyAsync([Write("pet", "Has a dog named Rex"), Write("lang", "Writes TypeScript at work")]);
            await store.PutAsync(Write("pet", "Has a cat named Tom") with { ExpectedVersion = 1 });
        }

        await using var reopened = Open();
        var pet = (await reopened.GetAsync(Facts, "pet"))!;
        Assert.Equal(("Has a cat named Tom", 2L), (pet.Content, pet.Version));
        Assert.Equal("lang", Assert.Single(await reopened.SearchAsync(Search("typescript", SearchMode.Keyword))).Item.Key);
        Assert.Equal("pet", Assert.Single(await reopened.SearchAsync(Search("tom", SearchMode.Keyword))).Item.Key);
        Assert.Empty(await reopened.SearchAsync(Search("rex", SearchMode.Keyword)));
        Assert.Equal("pet", (await reopened.SearchAsync(Search("kitten", SearchMode.Vector)))[0].Item.Key);
        var namespaces = await reopened.ListNamespacesAsync(new NamespaceQuery());
        Assert.Equal(Facts, Assert.Single(namespaces));
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_an_error_naming_it_and_the_store()
    {
        await File.WriteAllTextAsync(_database.Path, new string('x', 4096));
        await using var store = Open();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetAsync(Facts, "k"));

        Assert.Contains(_database.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(SqliteMemoryStore), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stores_with_separate_pools_writing_at_once_lose_no_update()
    {
        const int Writers = 4, Increments = 15;
        var stores = Enumerable.Range(0, Writers).Select(_ => Open()).ToList();
        await stores[0].PutAsync(Write("counter", "0"));
        try
        {
            await Task.WhenAll(stores.Select((store, w) => Task.Run(async () =>
            {
                for (var i = 0; i < Increments; i++)
                {
                    while (true)
                    {
                        var current = (await store.GetAsync(Facts, "counter"))!;
                        try
                        {
                            await store.PutManyAsync([
                                Write("counter", (int.Parse(current.Content, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)) with { ExpectedVersion = current.Version },
                                Write($"note-{w}-{i}", $"writer {w} saw a dog at step {i}"),
                            ]);
                            break;
                        }
                        catch (MemoryConflictException)
                        {
                            // Another writer won this version: read again.
                        }
                    }
                }
            })));

            var counter = (await stores[1].GetAsync(Facts, "counter"))!;
            Assert.Equal((Writers * Increments).ToString(System.Globalization.CultureInfo.InvariantCulture), counter.Content);
            Assert.Equal(1 + (Writers * Increments), counter.Version);
            foreach (var store in stores)
            {
                Assert.Equal(Writers * Increments, (await store.SearchAsync(Search("puppy", SearchMode.Vector) with { Limit = 100 })).Count(hit => hit.Item.Key.StartsWith("note-", StringComparison.Ordinal)));
                Assert.Equal(Writers * Increments, (await store.SearchAsync(Search("dog", SearchMode.Keyword) with { Limit = 100 })).Count);
            }
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_failed_batch_leaves_no_words_or_vectors_behind()
    {
        await using var store = Open();
        await store.PutAsync(Write("a", "Has a dog"));

        await Assert.ThrowsAsync<MemoryConflictException>(() => store.PutManyAsync([Write("b", "Eats sushi"), Write("a", "Plays guitar") with { ExpectedVersion = 5 }]));

        Assert.Empty(await store.SearchAsync(Search("sushi guitar", SearchMode.Keyword)));
        Assert.Equal(["a"], (await store.SearchAsync(Search("dinner", SearchMode.Vector))).Select(hit => hit.Item.Key));
    }

    private Task<IReadOnlyList<byte[]>> RawBytesAsync() => _database.RawFilesAsync();
}

using System.Text;
using Checkpoint.Conformance.Memory;
using Checkpoint.Memory;
using Checkpoint.Serialization;
using Npgsql;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>What the conformance suite cannot see: the tables, other stores and connections, tsquery syntax, BM25 in SQL, encryption at rest.</summary>
public sealed class PostgresMemoryStoreTests : IAsyncLifetime
{
    private static readonly MemoryNamespace Facts = MemoryNamespace.Of("users", "42", "facts");
    private readonly string _schema = PostgresTestServer.NewSchema();
    private readonly ConceptEmbeddingGenerator _embeddings = new();
    private readonly List<PostgresMemoryStore> _stores = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await PostgresTestServer.DropSchemaAsync(_schema);
    }

    // Each store gets its own data source (its own connections), as separate processes would.
    private PostgresMemoryStore Open(MemoryStoreOptions? options = null, bool ownConnections = false)
    {
        var postgres = new PostgresMemoryStoreOptions { Schema = _schema };
        var store = ownConnections
            ? new PostgresMemoryStore(PostgresTestServer.ConnectionString, options ?? new MemoryStoreOptions { Embeddings = _embeddings }, postgres)
            : new PostgresMemoryStore(PostgresTestServer.DataSource, options ?? new MemoryStoreOptions { Embeddings = _embeddings }, postgres);
        _stores.Add(store);
        return store;
    }

    private static MemoryWrite Write(string key, string content) => new() { Namespace = Facts, Key = key, Content = content };

    private static MemorySearch Search(string query, SearchMode mode) => new() { NamespacePrefix = Facts, Query = query, Mode = mode };

    [Fact]
    public async Task The_tables_sit_in_the_savers_schema_with_their_own_version_table_and_no_pgvector_here()
    {
        await using (var saver = PostgresTestServer.NewSaver(_schema))
        {
            _ = await saver.MigrateAsync();
        }

        var store = Open();
        await store.PutAsync(Write("lang", "Prefers Python"));

        // This server has no pgvector: the store falls back to real[] even though UsePgVector is on.
        Assert.False(store.UsesPgVector);
        var columns = await QueryAsync(
            "SELECT table_name || '.' || column_name || ':' || data_type || ':' || coalesce(collation_name, '') FROM information_schema.columns " +
            $"WHERE table_schema = '{_schema}' AND table_name LIKE 'memor%'");
        Assert.Contains("memories.ns:text:C", columns);
        Assert.Contains("memories.tsv:tsvector:", columns);
        Assert.Contains("memories.embedding:ARRAY:", columns);
        Assert.Contains("memory_schema_version.version:integer:", columns);
        Assert.Contains("memory_state.vector_type:text:", columns);
        var tables = await QueryAsync($"SELECT table_name FROM information_schema.tables WHERE table_schema = '{_schema}'");
        Assert.Contains("checkpoints", tables);
        Assert.Contains("schema_migrations", tables);
        Assert.Equal(["3"], await QueryAsync($"SELECT version::text FROM \"{_schema}\".memory_schema_version"));
    }

    [Fact]
    public async Task A_table_prefix_names_every_table()
    {
        var store = new PostgresMemoryStore(PostgresTestServer.DataSource, new MemoryStoreOptions(),
            new PostgresMemoryStoreOptions { Schema = _schema, TablePrefix = "agent_" });
        _stores.Add(store);
        await store.PutAsync(Write("k", "v"));

        var tables = await QueryAsync($"SELECT table_name FROM information_schema.tables WHERE table_schema = '{_schema}' ORDER BY 1");
        Assert.Equal(["agent_memories", "agent_memory_history", "agent_memory_schema_version", "agent_memory_state"], tables);
        Assert.Throws<ArgumentException>(() => new PostgresMemoryStore(PostgresTestServer.DataSource, null, new PostgresMemoryStoreOptions { TablePrefix = "x\"; DROP" }));
    }

    [Fact]
    public async Task Version_1_tables_gain_the_history_and_keep_their_items()
    {
        await using (var first = Open())
        {
            await first.PutAsync(Write("k", "kept"));
        }

        // Back to what a version-1 build left: no history table nor change counter, version 1.
        await QueryAsync($"DROP TABLE \"{_schema}\".memory_history; DROP INDEX \"{_schema}\".memories_expires_idx; " +
            $"ALTER TABLE \"{_schema}\".memory_state DROP COLUMN change_id; " +
            $"DROP INDEX \"{_schema}\".memories_subject_idx; UPDATE \"{_schema}\".memory_schema_version SET version = 1; SELECT 'done'");

        await using var store = Open();
        Assert.Equal("kept", (await store.GetAsync(Facts, "k"))!.Content);
        await store.PutAsync(Write("k", "changed"));
        Assert.Equal([MemoryChangeKind.Update], (await store.GetHistoryAsync(Facts, "k")).Select(change => change.Kind));
        Assert.Equal(["3"], await QueryAsync($"SELECT version::text FROM \"{_schema}\".memory_schema_version"));
    }

    [Fact]
    public async Task Stores_creating_the_tables_at_once_wait_for_each_other()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => Open(ownConnections: true)).ToList();

        await Task.WhenAll(stores.Select(store => Task.Run(() => store.InitializeAsync())));

        await stores[0].PutAsync(Write("k", "v"));
        Assert.All(await Task.WhenAll(stores.Select(store => store.GetAsync(Facts, "k"))), item => Assert.Equal("v", item!.Content));
        Assert.Equal(["3"], await QueryAsync($"SELECT version::text FROM \"{_schema}\".memory_schema_version"));
    }

    [Fact]
    public async Task Two_stores_on_one_database_see_each_others_writes_in_keyword_and_vector_search()
    {
        var first = Open(ownConnections: true);
        var second = Open(ownConnections: true);
        await first.PutAsync(Write("pet", "Has a dog named Rex"));
        Assert.Equal("pet", Assert.Single(await first.SearchAsync(Search("puppy", SearchMode.Vector) with { Limit = 1 })).Item.Key);

        await second.PutAsync(Write("food", "Eats sushi every Friday"));
        Assert.Equal("food", Assert.Single(await first.SearchAsync(Search("sushi", SearchMode.Keyword))).Item.Key);
        Assert.Equal("food", (await first.SearchAsync(Search("dinner meal", SearchMode.Vector)))[0].Item.Key);

        Assert.True(await second.DeleteAsync(Facts, "food"));
        Assert.DoesNotContain(await first.SearchAsync(Search("dinner meal", SearchMode.Vector)), hit => hit.Item.Key == "food");
        await second.PutAsync(Write("pet", "Plays jazz guitar"));
        var top = (await first.SearchAsync(Search("music concert", SearchMode.Vector)))[0];
        Assert.Equal(("pet", "Plays jazz guitar"), (top.Item.Key, top.Item.Content));
        Assert.Empty(await first.SearchAsync(Search("dog", SearchMode.Keyword)));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    public async Task Stores_on_separate_connections_expecting_one_version_have_exactly_one_winner(long expected)
    {
        var stores = Enumerable.Range(0, 4).Select(_ => Open(ownConnections: true)).ToList();
        if (expected == 1)
        {
            await stores[0].PutAsync(Write("k", "v1"));
        }

        var results = await Task.WhenAll(stores.Select((store, i) => Task.Run(async () =>
        {
            try
            {
                await store.PutAsync(Write("k", $"writer {i}") with { ExpectedVersion = expected });
                return new Attempt(true, null);
            }
            catch (MemoryConflictException error)
            {
                return new Attempt(false, error);
            }
        })));

        Assert.Single(results, result => result.Won);
        Assert.All(results.Where(result => !result.Won), result => Assert.Equal(expected + 1, result.Error!.ActualVersion));
        var stored = (await stores[1].GetAsync(Facts, "k"))!;
        Assert.Equal(expected + 1, stored.Version);
    }

    [Fact]
    public async Task Writers_on_separate_connections_lose_no_update()
    {
        const int Writers = 4, Increments = 10;
        var stores = Enumerable.Range(0, Writers).Select(_ => Open(ownConnections: true)).ToList();
        await stores[0].PutAsync(Write("counter", "0"));

        await Task.WhenAll(stores.Select((store, w) => Task.Run(async () =>
        {
            for (var i = 0; i < Increments; i++)
            {
                while (true)
                {
                    var current = (await store.GetAsync(Facts, "counter"))!;
                    var next = (int.Parse(current.Content, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    try
                    {
                        await store.PutManyAsync([Write("counter", next) with { ExpectedVersion = current.Version }, Write($"note-{w}-{i}", $"writer {w} saw a dog at step {i}")]);
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
        Assert.Equal(((Writers * Increments).ToString(System.Globalization.CultureInfo.InvariantCulture), 1L + (Writers * Increments)), (counter.Content, counter.Version));
        Assert.Equal(Writers * Increments, (await stores[2].SearchAsync(Search("dog", SearchMode.Keyword) with { Limit = 100 })).Count);
    }

    [Theory]
    [InlineData("'")]
    [InlineData("\"unbalanced")]
    [InlineData("pyth:*")]
    [InlineData("python & !javascript")]
    [InlineData("python | ")]
    [InlineData("<-> NEAR(python javascript)")]
    [InlineData("-python OR")]
    [InlineData("OR AND NOT")]
    [InlineData("'; DROP TABLE memories; --")]
    [InlineData("\\' python \\")]
    [InlineData("quotes:A")]
    public async Task Tsquery_syntax_in_query_text_is_data(string query)
    {
        var store = Open();
        await store.PutAsync(Write("lang", "Prefers python; says \"NEAR\" OR 'quotes' -dash * star"));

        var hits = await store.SearchAsync(Search(query, SearchMode.Keyword));

        var words = KeywordText.Tokenize(query);
        Assert.Equal(words.Any(w => w is "python" or "near" or "quotes" or "dash" or "star"), hits.Count == 1);
        Assert.NotNull(await store.GetAsync(Facts, "lang"));
    }

    [Theory]
    [InlineData("'; DROP TABLE memories; --")]
    [InlineData("a'b\\c")]
    [InlineData("x:1,2 'y'")]
    public async Task Injection_strings_as_keys_namespaces_and_content_are_data(string text)
    {
        var store = Open();
        var ns = MemoryNamespace.Of("users", text);
        await store.PutAsync(new MemoryWrite { Namespace = ns, Key = text, Content = text + " python", SubjectId = text, Entities = [text] });

        Assert.Equal(text + " python", (await store.GetAsync(ns, text))!.Content);
        Assert.Single(await store.SearchAsync(new MemorySearch { NamespacePrefix = ns, Query = text + " python", SubjectId = text, Mode = SearchMode.Keyword }));
        Assert.Equal(ns, Assert.Single(await store.ListNamespacesAsync(new NamespaceQuery { Prefix = MemoryNamespace.Of("users") })));
    }

    [Fact]
    public async Task Keyword_scores_are_the_bm25_of_the_scan_backends()
    {
        var store = Open(new MemoryStoreOptions());
        string[] contents =
        [
            "Ticket CK-1432 is about the login page crashing on Safari",
            "The login page needs a dark mode toggle; login twice to see it",
            "Deploy v3.2.1 fixed the crash in the billing page",
            "Lunch with Maria on Friday, she likes sushi",
            "Maria owns the login service and the billing service",
        ];
        await store.PutManyAsync(contents.Select((content, i) => Write($"m{i}", content)).ToList());
        const string Query = "login page crash CK-1432 Maria";

        var hits = await store.SearchAsync(Search(Query, SearchMode.Keyword));

        var expected = Bm25.Score(contents, Query);
        Assert.Equal(expected.Count(score => score > 0), hits.Count);
        foreach (var hit in hits)
        {
            Assert.Equal(expected[int.Parse(hit.Item.Key[1..], System.Globalization.CultureInfo.InvariantCulture)], hit.Parts.Keyword!.Value.Raw, 9);
        }
    }

    [Fact]
    public async Task Long_words_and_many_repeats_are_stored_and_the_rest_stays_searchable()
    {
        var store = Open(new MemoryStoreOptions());
        var longWord = new string('x', 5000);
        var repeated = string.Join(' ', Enumerable.Repeat("echo", 400));
        await store.PutManyAsync([Write("long", $"{longWord} python"), Write("repeat", repeated + " java")]);

        Assert.Equal("long", Assert.Single(await store.SearchAsync(Search("python", SearchMode.Keyword))).Item.Key);
        Assert.Equal("repeat", Assert.Single(await store.SearchAsync(Search("echo", SearchMode.Keyword))).Item.Key);
        Assert.Empty(await store.SearchAsync(Search(longWord, SearchMode.Keyword)));
    }

    [Fact]
    public async Task A_vector_of_another_size_than_the_tables_is_an_error_naming_both_sizes()
    {
        await Open().PutAsync(Write("pet", "Has a dog"));
        var other = Open(new MemoryStoreOptions { Embeddings = new FixedSizeEmbeddingGenerator(4) });

        var put = await Assert.ThrowsAsync<InvalidOperationException>(() => other.PutAsync(Write("x", "y")));
        var search = await Assert.ThrowsAsync<InvalidOperationException>(() => other.SearchAsync(Search("dog", SearchMode.Vector)));

        foreach (var error in new[] { put, search })
        {
            Assert.Contains($"{ConceptEmbeddingGenerator.Dimensions} dimensions", error.Message, StringComparison.Ordinal);
            Assert.Contains("4 dimensions", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_encrypted_store_leaves_no_content_in_the_table_rows()
    {
        const string Marker = "Zanzibarquux";
        var serializer = new CheckpointSerializer(new SerializerOptions { EncryptionKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray() });
        var store = Open(new MemoryStoreOptions { Embeddings = _embeddings, Serializer = serializer });
        await store.PutAsync(new MemoryWrite
        {
            Namespace = Facts, Key = "secret", Content = $"The vault word is {Marker} for the dog", Entities = [Marker + "Entity"],
            SubjectId = Marker + "Subject", Metadata = new Dictionary<string, object> { ["tag"] = Marker + "Meta" },
        });

        // Keyword search still works (scored in the client), as do vector search, filters and get.
        Assert.Equal("secret", Assert.Single(await store.SearchAsync(Search(Marker, SearchMode.Keyword))).Item.Key);
        Assert.Equal("secret", Assert.Single(await store.SearchAsync(Search("puppy", SearchMode.Vector))).Item.Key);
        Assert.Equal("secret", Assert.Single(await store.SearchAsync(Search(Marker + "entity", SearchMode.Hybrid) with { SubjectId = Marker + "Subject" })).Item.Key);
        Assert.Empty(await store.SearchAsync(Search(Marker, SearchMode.Keyword) with { SubjectId = "someone else" }));

        // The vector is sealed too: its float32 bytes are in no column (embeddings can leak meaning).
        var vector = (await _embeddings.GenerateAsync([$"The vault word is {Marker} for the dog"]))[0].Vector.ToArray();
        var rawVector = System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();
        var values = await RawValuesAsync();
        Assert.NotEmpty(values);
        foreach (var bytes in values)
        {
            Assert.Equal(-1, bytes.AsSpan().IndexOf(rawVector));
            foreach (var form in new[] { Marker, Marker.ToLowerInvariant(), Marker.ToUpperInvariant() })
            {
                Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(form)));
            }
        }
    }

    [Fact]
    public async Task Without_a_key_the_words_are_in_the_rows_so_the_scan_above_means_something()
    {
        await Open().PutAsync(Write("plain", "The vault word is Zanzibarquux") with { SubjectId = "Zanzibarquux" });
        var vector = (await _embeddings.GenerateAsync(["The vault word is Zanzibarquux"]))[0].Vector.ToArray();
        var rawVector = System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();

        var values = await RawValuesAsync();
        Assert.Contains(values, bytes => bytes.AsSpan().IndexOf("zanzibarquux"u8) >= 0);
        Assert.Contains(values, bytes => bytes.AsSpan().IndexOf("Zanzibarquux"u8) >= 0);
        Assert.Contains(values, bytes => bytes.AsSpan().IndexOf(rawVector) >= 0);
    }

    [Fact]
    public async Task A_failed_batch_leaves_no_words_or_vectors_behind()
    {
        var store = Open();
        await store.PutAsync(Write("a", "Has a dog"));

        await Assert.ThrowsAsync<MemoryConflictException>(() => store.PutManyAsync([Write("b", "Eats sushi"), Write("a", "Plays guitar") with { ExpectedVersion = 5 }]));

        Assert.Empty(await store.SearchAsync(Search("sushi guitar", SearchMode.Keyword)));
        Assert.Equal(["a"], (await store.SearchAsync(Search("dinner", SearchMode.Vector))).Select(hit => hit.Item.Key));
    }

    [Fact]
    public async Task Canceled_calls_throw_operation_canceled_and_write_nothing()
    {
        var store = Open();
        await store.InitializeAsync();
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.PutAsync(Write("k", "v"), canceled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.SearchAsync(Search("v", SearchMode.Keyword), canceled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetAsync(Facts, "k", canceled.Token));
        Assert.Null(await store.GetAsync(Facts, "k"));
    }

    [Fact]
    public async Task Newer_tables_are_refused_with_an_error_naming_them()
    {
        await Open().PutAsync(Write("k", "v"));
        await ExecuteAsync($"UPDATE \"{_schema}\".memory_schema_version SET version = 99");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Open().GetAsync(Facts, "k"));

        Assert.Contains("version 99", error.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{_schema}\".\"memories\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_is_an_error_naming_it_and_the_table()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString) { Port = 1, Timeout = 2 };
        await using var store = new PostgresMemoryStore(builder.ConnectionString, null, new PostgresMemoryStoreOptions { Schema = _schema });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetAsync(Facts, "k"));

        Assert.Contains($"{builder.Host}:1", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(PostgresMemoryStore), error.Message, StringComparison.Ordinal);
        Assert.Contains("memories", error.Message, StringComparison.Ordinal);
    }

    private sealed record Attempt(bool Won, MemoryConflictException? Error);

    private async Task<List<string>> QueryAsync(string sql)
    {
        var values = new List<string>();
        await using var command = PostgresTestServer.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var command = PostgresTestServer.DataSource.CreateCommand(sql);
        _ = await command.ExecuteNonQueryAsync();
    }

    private Task<List<byte[]>> RawValuesAsync() => SchemaValues.ReadAsync(_schema);
}

using Checkpoint.Conformance.Memory;
using Checkpoint.Memory;
using Npgsql;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>The memory store reconnects after a server restart between two calls (runs alone, with the saver's restart test).</summary>
[Collection(nameof(ServerRestartCollection))]
public sealed class PostgresMemoryRestartTests
{
    [Fact]
    public async Task Calls_after_a_server_restart_reconnect()
    {
        var schema = PostgresTestServer.NewSchema();
        var facts = MemoryNamespace.Of("users", "42");
        await using var dataSource = NpgsqlDataSource.Create(PostgresTestServer.ConnectionString);
        await using var store = new PostgresMemoryStore(dataSource, new MemoryStoreOptions { Embeddings = new ConceptEmbeddingGenerator() },
            new PostgresMemoryStoreOptions { Schema = schema });
        try
        {
            await store.PutAsync(new MemoryWrite { Namespace = facts, Key = "pet", Content = "Has a dog named Rex" });
            Assert.NotNull(await store.GetAsync(facts, "pet")); // the pool now holds an idle connection

            await PostgresTestServer.RestartAsync();

            Assert.Equal("pet", Assert.Single(await store.SearchAsync(new MemorySearch { NamespacePrefix = facts, Query = "puppy" })).Item.Key);

            await PostgresTestServer.RestartAsync();

            var stored = await store.PutAsync(new MemoryWrite { Namespace = facts, Key = "pet", Content = "Has a cat", ExpectedVersion = 1 });
            Assert.Equal(2, stored.Version);

            await PostgresTestServer.RestartAsync();

            Assert.True(await store.DeleteAsync(facts, "pet"));
            Assert.Null(await store.GetAsync(facts, "pet"));
        }
        finally
        {
            await PostgresTestServer.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task A_watcher_follows_the_changes_committed_after_a_server_restart()
    {
        var schema = PostgresTestServer.NewSchema();
        var facts = MemoryNamespace.Of("users", "42");
        var postgres = new PostgresMemoryStoreOptions { Schema = schema, UsePgVector = false };
        await using var watchedSource = NpgsqlDataSource.Create(PostgresTestServer.ConnectionString);
        await using var writerSource = NpgsqlDataSource.Create(PostgresTestServer.ConnectionString);
        await using var watched = new PostgresMemoryStore(watchedSource, new MemoryStoreOptions(), postgres);
        await using var writer = new PostgresMemoryStore(writerSource, new MemoryStoreOptions(), postgres);
        try
        {
            await using var watcher = await FeedWatcher.StartAsync(watched, facts);
            await writer.PutAsync(new MemoryWrite { Namespace = facts, Key = "before", Content = "before the restart" });
            Assert.Equal("before", (await watcher.NextAsync()).Single().Key);

            await PostgresTestServer.RestartAsync();
            for (var i = 0; i < 3; i++)
            {
                await writer.PutAsync(new MemoryWrite { Namespace = facts, Key = $"after{i}", Content = "after the restart" });
            }

            Assert.Equal(["after0", "after1", "after2"], (await watcher.NextAsync(3)).Select(e => e.Key));
            Assert.Empty(await watcher.DrainAsync(TimeSpan.FromMilliseconds(300)));
        }
        finally
        {
            await PostgresTestServer.DropSchemaAsync(schema);
        }
    }
}

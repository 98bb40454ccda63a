using Checkpoint.Storage;
using Npgsql;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>Tests that restart the server: they run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(ServerRestartCollection), DisableParallelization = true)]
public sealed class ServerRestartCollection;

/// <summary>The saver reconnects after a server restart between two calls.</summary>
[Collection(nameof(ServerRestartCollection))]
public sealed class PostgresRestartTests
{
    [Fact]
    public async Task Calls_after_a_server_restart_reconnect()
    {
        var schema = PostgresTestServer.NewSchema();
        await using var dataSource = NpgsqlDataSource.Create(PostgresTestServer.ConnectionString);
        await using var saver = new PostgresCheckpointSaver(dataSource, new PostgresCheckpointSaverOptions { Schema = schema });
        try
        {
            var first = Records.Checkpoint("restart", null, 0);
            await saver.PutAsync(first, [], PutMode.Continue);
            Assert.NotNull(await saver.GetAsync("restart", "", null)); // the pool now holds an idle connection

            await PostgresTestServer.RestartAsync();

            Assert.Equal(first.Id, (await saver.GetAsync("restart", "", null))!.Checkpoint.Id);
            var second = Records.Checkpoint("restart", first.Id, 1);
            await saver.PutAsync(second, [], PutMode.Continue);

            await PostgresTestServer.RestartAsync();

            await saver.PutWritesAsync("restart", "", second.Id, [Records.Write("task", 0)]);
            var listed = await saver.ListAsync(new CheckpointFilter { ThreadId = "restart" }).ToListAsync();
            Assert.Equal([second.Id, first.Id], listed.Select(tuple => tuple.Checkpoint.Id));
            Assert.Single(listed[0].PendingWrites);
        }
        finally
        {
            await PostgresTestServer.DropSchemaAsync(schema);
        }
    }
}

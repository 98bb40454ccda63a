using Checkpoint.Storage;
using Npgsql;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>
/// A connection killed mid-transaction (<c>pg_terminate_backend</c>): the put of one step is held inside its
/// transaction by a table lock taken from another connection, and its backend is terminated there. Killed
/// once, the saver retries on a new connection as documented and the run goes on; killed on the retry too,
/// the run fails with PostgreSQL's error (57P01), nothing of the step is stored, and a resume ends as a run
/// that never met the fault.
/// </summary>
[Collection(nameof(ServerRestartCollection))] // it terminates backends: alone, after the parallel tests
public sealed class PostgresFaultTests
{
    private const int Steps = 12;
    private const int FaultyStep = 6;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_put_whose_connection_is_killed_mid_transaction_is_retried_once_or_fails_and_the_run_resumes_to_the_same_state(int kills)
    {
        var (schema, referenceSchema) = (PostgresTestServer.NewSchema(), PostgresTestServer.NewSchema());
        var application = $"fault-{Guid.NewGuid():N}";
        var builder = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString) { ApplicationName = application };
        try
        {
            var expected = await RunUninterruptedAsync(referenceSchema);

            await using var saver = new PostgresCheckpointSaver(builder.ConnectionString, new PostgresCheckpointSaverOptions { Schema = schema });
            Task<int>? killer = null;
            var graph = Build(async counter =>
            {
                if (counter == FaultyStep && killer is null)
                {
                    // The step's put will find the table locked: its backend is killed while it waits, inside its transaction.
                    var (locker, transaction) = await LockCheckpointsAsync(schema);
                    killer = KillBlockedPutsAsync(locker, transaction, application, kills);
                }
            }).Compile(saver);

            var error = await Record.ExceptionAsync(() => graph.InvokeAsync(new FaultState(), Config));
            Assert.NotNull(killer);
            // The killer finishes (rolls back its lock) just after its last kill, so the run may end first: wait for it, bounded by
            // its own 60 s timeout, which also fails the test when the run ended without its put being killed.
            Assert.Equal(kills, await killer);
            if (kills == 1)
            {
                Assert.Null(error); // the saver's one retry on a new connection
            }
            else
            {
                var postgres = Find<PostgresException>(error);
                Assert.True(postgres is { SqlState: PostgresErrorCodes.AdminShutdown }, $"expected 57P01 admin_shutdown, got {error}");

                // Nothing of the failed step was stored: the head is the step before it, whole and readable.
                var head = await graph.GetStateAsync(Config);
                Assert.NotNull(head);
                Assert.Equal(FaultyStep, head.Values.Counter);
                Assert.Equal(FaultyStep, head.Values.Items.Count);
                _ = await graph.InvokeAsync(null, Config);
            }

            Assert.Equal(expected, await HistoryAsync(graph));
        }
        finally
        {
            await PostgresTestServer.DropSchemaAsync(schema);
            await PostgresTestServer.DropSchemaAsync(referenceSchema);
        }
    }

    private static RunConfig Config => new() { ThreadId = "fault", RecursionLimit = Steps * 2 };

    private static StateGraph<FaultState> Build(Func<int, Task>? beforeStep = null) =>
        new StateGraph<FaultState>()
            .AddNode("tick", async s =>
            {
                if (beforeStep is not null)
                {
                    await beforeStep(s.Counter);
                }

                return new Update<FaultState>().Set(x => x.Counter, s.Counter + 1).Set(x => x.Items, [$"item {s.Counter}"]);
            })
            .AddEdge(Graph.Start, "tick")
            .AddConditionalEdges("tick", s => s.Counter < Steps ? "tick" : Graph.End, ["tick", Graph.End]);

    private static async Task<List<string>> RunUninterruptedAsync(string schema)
    {
        await using var saver = PostgresTestServer.NewSaver(schema);
        var graph = Build().Compile(saver);
        _ = await graph.InvokeAsync(new FaultState(), Config);
        return await HistoryAsync(graph);
    }

    private static async Task<List<string>> HistoryAsync(CompiledGraph<FaultState> graph)
    {
        var history = new List<string>();
        await foreach (var snapshot in graph.GetStateHistoryAsync(Config))
        {
            history.Add($"{snapshot.Step} {snapshot.Source} [{string.Join(",", snapshot.Next)}] {snapshot.Values.Counter} {string.Join(",", snapshot.Values.Items)}");
        }

        return history;
    }

    /// <summary>Locks the checkpoints table against writes from another connection (reads still pass), in a transaction left open.</summary>
    private static async Task<(NpgsqlConnection, NpgsqlTransaction)> LockCheckpointsAsync(string schema)
    {
        var locker = await PostgresTestServer.DataSource.OpenConnectionAsync();
        var transaction = await locker.BeginTransactionAsync();
        await using var command = new NpgsqlCommand($"LOCK TABLE \"{schema}\".checkpoints IN EXCLUSIVE MODE", locker, transaction);
        _ = await command.ExecuteNonQueryAsync();
        return (locker, transaction);
    }

    /// <summary>
    /// <paramref name="kills"/> times, terminates the saver's backend once it waits for the lock inside its put's
    /// transaction; then releases the lock. Returns how many backends it terminated.
    /// </summary>
    private static async Task<int> KillBlockedPutsAsync(NpgsqlConnection locker, NpgsqlTransaction transaction, string application, int kills)
    {
        await using var connection = locker;
        await using var held = transaction;
        // Pids, not kills: a terminated backend stays in pg_stat_activity, still waiting on the lock, until it has exited, and
        // terminating it again returns true as well; counted twice, one kill passed for two and the retry was left to succeed.
        var killed = new List<int>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (killed.Count < kills)
        {
            // Inside a transaction pg_stat_activity is read once and kept: drop that snapshot to see the retry.
            await using (var clear = new NpgsqlCommand("SELECT pg_stat_clear_snapshot()", locker, transaction))
            {
                _ = await clear.ExecuteNonQueryAsync(timeout.Token);
            }

            await using var command = new NpgsqlCommand(
                "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity " +
                "WHERE application_name = @app AND wait_event_type = 'Lock' AND NOT (pid = ANY(@killed))", locker, transaction);
            _ = command.Parameters.AddWithValue("app", application);
            _ = command.Parameters.AddWithValue("killed", killed.ToArray());
            await using var reader = await command.ExecuteReaderAsync(timeout.Token);
            while (await reader.ReadAsync(timeout.Token))
            {
                if (reader.GetBoolean(1))
                {
                    killed.Add(reader.GetInt32(0));
                }
            }
        }

        await transaction.RollbackAsync();
        return killed.Count;
    }

    private static T? Find<T>(Exception? error)
        where T : Exception
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is T found)
            {
                return found;
            }
        }

        return null;
    }
}

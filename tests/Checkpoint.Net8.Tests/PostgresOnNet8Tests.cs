using Checkpoint.Postgres;
using Npgsql;
using Xunit;

namespace Checkpoint.Net8.Tests;

/// <summary>
/// PostgreSQL on .NET 8, on the server named by <c>CHECKPOINT_POSTGRES</c> (scripts/servers.sh, as for
/// Checkpoint.Postgres.Tests). A missing variable or server fails the test; it never skips.
/// </summary>
public sealed class PostgresOnNet8Tests : IAsyncLifetime
{
    private readonly string _schema = "net8_" + Guid.NewGuid().ToString("N");

    private static string ConnectionString => Environment.GetEnvironmentVariable("CHECKPOINT_POSTGRES") is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException(
            "CHECKPOINT_POSTGRES is not set: this test needs a PostgreSQL server. Run ./test.sh, or " +
            "`scripts/servers.sh start && set -a && . .tmp/servers.env && set +a` before `dotnet test`.");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE");
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_graph_pauses_at_an_interrupt_and_resumes_encrypted() =>
        await ApprovalScenario.RunAsync(serializer =>
            Task.FromResult<Storage.CheckpointSaver>(new PostgresCheckpointSaver(
                ConnectionString, new PostgresCheckpointSaverOptions { Schema = _schema, Serializer = serializer })));
}

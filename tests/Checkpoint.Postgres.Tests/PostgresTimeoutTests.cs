using Npgsql;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>Timeouts are options, and a timeout names the server, the limit and the option to change.</summary>
public sealed class PostgresTimeoutTests
{
    [Fact]
    public async Task A_server_that_accepts_but_never_answers_fails_with_the_connect_timeout_naming_host_and_port()
    {
        await using var server = new SilentServer();
        await using var saver = new PostgresCheckpointSaver(
            $"Host=127.0.0.1;Port={server.Port};Database=agents;Username=app;Password=secret",
            new PostgresCheckpointSaverOptions { ConnectTimeout = TimeSpan.FromSeconds(1) });

        var error = await Assert.ThrowsAsync<TimeoutException>(() => saver.GetAsync("thread", "", null));

        Assert.Contains($"127.0.0.1:{server.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("within 1 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("PostgresCheckpointSaverOptions.ConnectTimeout", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);
    }

    [Fact]
    public async Task A_command_that_outlasts_the_command_timeout_names_host_and_the_option()
    {
        var schema = PostgresTestServer.NewSchema();
        var builder = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString);
        await using var saver = new PostgresCheckpointSaver(
            PostgresTestServer.ConnectionString, new PostgresCheckpointSaverOptions { Schema = schema, CommandTimeout = TimeSpan.FromSeconds(1) });
        try
        {
            await saver.MigrateAsync();
            await using var locker = await PostgresTestServer.DataSource.OpenConnectionAsync();
            await using var transaction = await locker.BeginTransactionAsync();
            await using (var command = new NpgsqlCommand($"LOCK TABLE \"{schema}\".checkpoints IN ACCESS EXCLUSIVE MODE", locker, transaction))
            {
                await command.ExecuteNonQueryAsync();
            }

            var error = await Assert.ThrowsAsync<TimeoutException>(() => saver.GetAsync("thread", "", null));

            Assert.Contains($"{builder.Host}:{builder.Port}", error.Message, StringComparison.Ordinal);
            Assert.Contains("within 1 s", error.Message, StringComparison.Ordinal);
            Assert.Contains("PostgresCheckpointSaverOptions.CommandTimeout", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await PostgresTestServer.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public void Timeouts_for_a_data_source_the_caller_built_are_refused_with_where_to_set_them()
    {
        var error = Assert.Throws<ArgumentException>(() => new PostgresCheckpointSaver(
            PostgresTestServer.DataSource, new PostgresCheckpointSaverOptions { CommandTimeout = TimeSpan.FromSeconds(5) }));

        Assert.Contains("Command Timeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disposed_saver_names_itself_and_its_server()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString);
        var saver = new PostgresCheckpointSaver(PostgresTestServer.ConnectionString);
        await saver.DisposeAsync();

        var error = await Assert.ThrowsAsync<ObjectDisposedException>(() => saver.GetAsync("thread", "", null));

        Assert.Contains(nameof(PostgresCheckpointSaver), error.ObjectName, StringComparison.Ordinal);
        Assert.Contains($"{builder.Host}:{builder.Port}", error.ObjectName, StringComparison.Ordinal);
    }
}

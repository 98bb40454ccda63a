using Checkpoint.Postgres;
using Checkpoint.Redis;
using Checkpoint.Sqlite;
using Checkpoint.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Hosting.Tests;

/// <summary>Savers log what they recover from on their own: SQLite busy retries, PostgreSQL and Redis reconnects.</summary>
public sealed class SaverLoggingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("checkpoint-logging-").FullName;
    private readonly CapturingLoggerFactory _logs = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_busy_SQLite_file_logs_each_retry_and_the_put_succeeds_once_the_lock_is_released()
    {
        var path = Path.Combine(_directory, "busy.db");
        await using var saver = new SqliteCheckpointSaver(path, new SqliteCheckpointSaverOptions
        {
            BusyTimeout = TimeSpan.FromMilliseconds(50), MaxAttempts = 5, LoggerFactory = _logs,
        });
        await saver.InitializeAsync();
        await using var blocker = new SqliteConnection($"Data Source={path};Pooling=False");
        await blocker.OpenAsync();
        var hold = blocker.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: the file's write lock
        _logs.OnLog = _ =>
        {
            // The first retry releases the lock, so the next attempt gets it.
            var held = Interlocked.Exchange(ref hold, null);
            held?.Commit();
            held?.Dispose();
        };

        await saver.PutAsync(Record("busy"), [], PutMode.Continue);

        var retry = Assert.Single(_logs.Entries);
        Assert.Equal(LogLevel.Warning, retry.Level);
        Assert.Equal(101, retry.Id.Id);
        Assert.Contains(path, retry.Message, StringComparison.Ordinal);
        Assert.Contains("attempt 1 of 5", retry.Message, StringComparison.Ordinal);
        Assert.IsType<SqliteException>(retry.Exception);
        Assert.NotNull(await saver.GetAsync("busy", "", null));
    }

    [Fact]
    public async Task A_PostgreSQL_connection_killed_by_the_server_is_logged_and_the_call_retried()
    {
        var application = "ckpt-log-" + Guid.NewGuid().ToString("N")[..12];
        var schema = "log_" + Guid.NewGuid().ToString("N");
        var connectionString = new NpgsqlConnectionStringBuilder(TestServers.Postgres) { ApplicationName = application }.ConnectionString;
        try
        {
            await using var saver = new PostgresCheckpointSaver(connectionString, new PostgresCheckpointSaverOptions { Schema = schema, LoggerFactory = _logs });
            await saver.PutAsync(Record("pg"), [], PutMode.Continue); // leaves an idle pooled connection
            await using (var admin = NpgsqlDataSource.Create(TestServers.Postgres))
            await using (var kill = admin.CreateCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1"))
            {
                kill.Parameters.AddWithValue(application);
                Assert.True((long)(await kill.ExecuteScalarAsync())! >= 1);
            }

            Assert.NotNull(await saver.GetAsync("pg", "", null));

            var reconnect = Assert.Single(_logs.Entries);
            Assert.Equal(201, reconnect.Id.Id);
            Assert.Equal(LogLevel.Warning, reconnect.Level);
            Assert.Contains(new NpgsqlConnectionStringBuilder(TestServers.Postgres).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), reconnect.Message, StringComparison.Ordinal);
        }
        finally
        {
            await using var dataSource = NpgsqlDataSource.Create(TestServers.Postgres);
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task A_Redis_connection_killed_by_the_server_logs_the_failure_and_the_reconnect()
    {
        // StackExchange.Redis raises its connection events on worker threads, in no guaranteed order: wait for both.
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _logs.OnLog = id => (id.Id switch { 301 => failed, 302 => restored, _ => null })?.TrySetResult();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        await using var saver = new RedisCheckpointSaver(connection, new RedisCheckpointSaverOptions { KeyPrefix = "ckpt-log-" + Guid.NewGuid().ToString("N"), LoggerFactory = _logs });
        await saver.PutAsync(Record("redis"), [], PutMode.Continue);
        var clientId = (long)await connection.GetDatabase().ExecuteAsync("CLIENT", "ID");

        await using (var admin = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis))
        {
            Assert.Equal(1L, (long)await admin.GetDatabase().ExecuteAsync("CLIENT", "KILL", "ID", clientId));
        }

        await Task.WhenAll(failed.Task, restored.Task).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Contains(_logs.Entries, e => e.Id.Id == 301 && e.Level == LogLevel.Warning);
        Assert.Contains(_logs.Entries, e => e.Id.Id == 302 && e.Level == LogLevel.Information);
        Assert.NotNull(await saver.GetAsync("redis", "", null));
    }
}

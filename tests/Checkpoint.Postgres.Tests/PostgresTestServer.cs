using System.Diagnostics;
using Checkpoint.Postgres;
using Npgsql;

namespace Checkpoint.Postgres.Tests;

/// <summary>
/// The PostgreSQL server the tests use: <c>CHECKPOINT_POSTGRES</c> (set by scripts/servers.sh via
/// ./test.sh). A missing variable fails the tests; they never skip.
/// </summary>
internal static class PostgresTestServer
{
    // Prepared like the data sources the saver and store create from a connection string, so every test runs the
    // prepared path users get by default.
    private static readonly Lazy<NpgsqlDataSource> Shared = new(() => PostgresDataSources.Create(ConnectionString));

    public static string ConnectionString => Environment.GetEnvironmentVariable("CHECKPOINT_POSTGRES") is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException(
            "CHECKPOINT_POSTGRES is not set: the PostgreSQL tests need a server. Run ./test.sh, or " +
            "`scripts/servers.sh start && set -a && . .tmp/servers.env && set +a` before `dotnet test`.");

    /// <summary>One data source shared by the tests (savers built on it do not own it).</summary>
    public static NpgsqlDataSource DataSource => Shared.Value;

    /// <summary>A fresh schema name, unique per call.</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N");

    public static PostgresCheckpointSaver NewSaver(string schema) =>
        new(DataSource, new PostgresCheckpointSaverOptions { Schema = schema });

    /// <summary>Creates <paramref name="schema"/> as the build with schema version <paramref name="version"/> left it.</summary>
    public static async Task MigrateToAsync(string schema, int version)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        _ = await PostgresMigrations.ApplyAsync(connection, PostgresMigrations.QuoteSchema(schema), CancellationToken.None, version);
    }

    public static async Task DropSchemaAsync(string schema)
    {
        try
        {
            await DropAsync();
        }
        catch (NpgsqlException)
        {
            // The shared pool may hold connections broken by a restart test.
            DataSource.Clear();
            await DropAsync();
        }

        async Task DropAsync()
        {
            await using var command = DataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Restarts the server with pg_ctl (as the postgres user when running as root) and waits until it is up.</summary>
    public static async Task RestartAsync()
    {
        var data = Required("CHECKPOINT_POSTGRES_DATA");
        var bin = Environment.GetEnvironmentVariable("CHECKPOINT_POSTGRES_BIN") is { Length: > 0 } dir ? dir : "/usr/lib/postgresql/15/bin";
        var log = Environment.GetEnvironmentVariable("CHECKPOINT_POSTGRES_LOG") is { Length: > 0 } file
            ? file
            : Path.Combine(Path.GetDirectoryName(data)!, "pglog", "postgres.log");
        string[] pgCtl = [Path.Combine(bin, "pg_ctl"), "restart", "-D", data, "-m", "fast", "-w", "-t", "60", "-s", "-l", log];
        var start = Environment.UserName == "root"
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", .. pgCtl])
            : new ProcessStartInfo(pgCtl[0], pgCtl[1..]);
        start.UseShellExecute = false;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start pg_ctl");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl restart exited with {process.ExitCode}");
        }
    }

    private static string Required(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{name} is not set (scripts/servers.sh exports it): cannot run this test.");
}

namespace Checkpoint.Cli.Tests;

/// <summary>The PostgreSQL and Redis servers of scripts/servers.sh (./test.sh starts them); a missing one fails the test.</summary>
internal static class TestServers
{
    public static string Postgres => Required("CHECKPOINT_POSTGRES");

    public static string Redis => Required("CHECKPOINT_REDIS");

    /// <summary>A <c>ckpt</c> connection argument for a fresh PostgreSQL schema.</summary>
    public static string NewPostgresConnection(out string schema)
    {
        schema = "ckpt_cli_" + Guid.NewGuid().ToString("N");
        return Postgres + ";Schema=" + schema;
    }

    /// <summary>A <c>ckpt</c> connection argument for a fresh Redis key prefix.</summary>
    public static string NewRedisConnection() => $"redis://{Redis}/ckpt-cli-{Guid.NewGuid():N}";

    public static async Task DropSchemaAsync(string schema)
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(Postgres);
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        await command.ExecuteNonQueryAsync();
    }

    private static string Required(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException(
            $"{name} is not set: these tests need the servers of scripts/servers.sh. Run ./test.sh, or " +
            "`scripts/servers.sh start && set -a && . .tmp/servers.env && set +a` before `dotnet test`.");
}

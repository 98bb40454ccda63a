using System.Data.Common;
using Xunit;

namespace Checkpoint.Cli.Tests;

/// <summary>Connection arguments against the real PostgreSQL and Redis servers.</summary>
public sealed class ServerConnectionTests : IClassFixture<TestDatabases>
{
    private readonly TestDatabases _databases;

    public ServerConnectionTests(TestDatabases databases) => _databases = databases;

    [Fact]
    public async Task Reading_a_postgres_schema_without_tables_names_it_and_creates_nothing()
    {
        var connection = TestServers.NewPostgresConnection(out var schema);
        var (code, output) = await Ckpt.RunAsync("threads", "--db", connection);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains($"schema '{schema}' has no checkpoint tables", output, StringComparison.Ordinal);

        await using var dataSource = Npgsql.NpgsqlDataSource.Create(TestServers.Postgres);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1");
        command.Parameters.AddWithValue(schema);
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_postgres_url_and_a_keyword_string_reach_the_same_data()
    {
        var keywords = TestServers.NewPostgresConnection(out var schema);
        try
        {
            var source = await _databases.QuickStartAsync();
            var file = Path.Combine(_databases.Root, $"{Guid.NewGuid():N}.jsonl");
            Assert.Equal(ExitCodes.Ok, (await Ckpt.RunAsync("export", "user-42", "-o", file, "--db", "sqlite:" + source)).Code);
            Assert.Equal(ExitCodes.Ok, (await Ckpt.RunAsync("import", file, "--db", keywords)).Code);

            var builder = new DbConnectionStringBuilder { ConnectionString = TestServers.Postgres };
            var url = $"postgres://{builder["Username"]}@{builder["Host"]}:{builder["Port"]}/{builder["Database"]}?schema={schema}";
            var (code, output) = await Ckpt.RunAsync("threads", "--db", url);
            Assert.Equal(ExitCodes.Ok, code);
            Assert.Matches(@"│ user-42\s+│\s+3 │\s+7 │", output);
        }
        finally
        {
            await TestServers.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task An_unreachable_server_is_named_without_credentials()
    {
        var (code, output) = await Ckpt.RunAsync("threads", "--db", "redis://:hunter2@127.0.0.1:1/agents");
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("Cannot connect to Redis 127.0.0.1:1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);

        (code, output) = await Ckpt.RunAsync("threads", "--db", "Host=127.0.0.1;Port=1;Username=u;Password=hunter2;Timeout=2");
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("Cannot connect to PostgreSQL 127.0.0.1:1/", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_redis_prefix_has_no_threads()
    {
        var (code, output) = await Ckpt.RunAsync("threads", "--db", TestServers.NewRedisConnection());
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("No threads in Redis", output, StringComparison.Ordinal);
    }
}

using Checkpoint.Cli.Connections;
using Xunit;

namespace Checkpoint.Cli.Tests;

public sealed class ConnectionTests : IClassFixture<TestDatabases>
{
    private readonly TestDatabases _databases;

    public ConnectionTests(TestDatabases databases) => _databases = databases;

    [Fact]
    public void Sqlite_takes_a_path()
    {
        var connection = StoreConnection.Parse("sqlite:data/agent.db");
        Assert.Equal(StoreKind.Sqlite, connection.Kind);
        Assert.Equal(Path.GetFullPath("data/agent.db"), connection.Target);
    }

    [Fact]
    public void Postgres_keywords_take_an_optional_schema()
    {
        var connection = StoreConnection.Parse("Host=db.local;Port=5433;Database=agents;Username=app;Password=secret;Schema=tenant_a");
        Assert.Equal(StoreKind.Postgres, connection.Kind);
        Assert.Equal("tenant_a", connection.Scope);
        Assert.DoesNotContain("Schema", connection.Target, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Host=db.local", connection.Target, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secret", connection.Description, StringComparison.Ordinal);
        Assert.Equal("checkpoint", StoreConnection.Parse("Host=h").Scope);
    }

    [Fact]
    public void Postgres_url_becomes_a_connection_string()
    {
        var connection = StoreConnection.Parse("postgres://app:p%40ss@db.local:5433/agents?schema=tenant_b&Timeout=3");
        Assert.Equal(StoreKind.Postgres, connection.Kind);
        Assert.Equal("tenant_b", connection.Scope);
        var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connection.Target };
        Assert.Equal("db.local", builder["Host"]);
        Assert.Equal("5433", builder["Port"]);
        Assert.Equal("agents", builder["Database"]);
        Assert.Equal("app", builder["Username"]);
        Assert.Equal("p@ss", builder["Password"]);
        Assert.Equal("3", builder["Timeout"]);
    }

    [Fact]
    public void Redis_url_gives_host_port_and_prefix()
    {
        var connection = StoreConnection.Parse("redis://cache.local:6380/agents");
        Assert.Equal(StoreKind.Redis, connection.Kind);
        Assert.Equal("cache.local:6380", connection.Target);
        Assert.Equal("agents", connection.Scope);
        Assert.Equal("ckpt", StoreConnection.Parse("redis://cache.local").Scope);
        Assert.Equal("cache.local:6379", StoreConnection.Parse("redis://cache.local").Target);
    }

    [Theory]
    [InlineData("agent.db")]
    [InlineData("mysql://root:hunter2@host/db")]
    [InlineData("sqlite:")]
    [InlineData("Database=x;Password=hunter2")]
    public async Task A_bad_connection_is_a_usage_error_naming_it_without_its_password(string text)
    {
        var (code, output) = await Ckpt.RunAsync("threads", "--db", text);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("error:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
        Assert.Contains(text.Replace("hunter2", "***", StringComparison.Ordinal).Split(':')[0], output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_a_missing_sqlite_file_names_it_and_does_not_create_it()
    {
        var path = _databases.NewPath("missing");
        var (code, output) = await Ckpt.RunAsync("threads", "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains(path, output.ReplaceLineEndings(""), StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_file_that_is_not_a_checkpoint_database_is_named()
    {
        var path = _databases.NewPath("other");
        await File.WriteAllTextAsync(path, "not a database at all, just text that is long enough to look like a header.....");
        var (code, output) = await Ckpt.RunAsync("threads", "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains(path, output.ReplaceLineEndings(""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_commands_and_missing_arguments_are_usage_errors()
    {
        Assert.Equal(ExitCodes.Usage, (await Ckpt.RunAsync("frobnicate")).Code);
        Assert.Equal(ExitCodes.Usage, (await Ckpt.RunAsync("history")).Code);
        Assert.Equal(ExitCodes.Usage, (await Ckpt.RunAsync("prune", "t", "--db", "sqlite:x.db")).Code); // --keep is required
        var (code, output) = await Ckpt.RunAsync("--help");
        Assert.Equal(ExitCodes.Ok, code);
        foreach (var command in new[] { "threads", "history", "show", "diff", "export", "import", "prune", "reencrypt", "verify", "stats" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }
    }
}

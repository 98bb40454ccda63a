using Checkpoint.Postgres;
using Checkpoint.Redis;
using Checkpoint.Sqlite;
using Checkpoint.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;

namespace Checkpoint.Hosting.Tests;

/// <summary><c>services.AddCheckpoint(...)</c> against real savers: SQLite files, the PostgreSQL and Redis test servers.</summary>
public sealed class AddCheckpointTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("checkpoint-di-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static ServiceProvider Build(Action<CheckpointBuilder> configure, IConfiguration? configuration = null, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton<Greeter>();
        if (configuration is not null)
        {
            services.AddSingleton(configuration);
        }

        more?.Invoke(services);
        services.AddCheckpoint(b => configure(b.AddCounterGraph().AddHealthCheck()));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    /// <summary>Runs the registered graph and checks it used the registered saver.</summary>
    private static async Task<Counter> RunGraphAsync(IServiceProvider provider)
    {
        var graph = provider.GetRequiredService<CompiledGraph<Counter>>();
        Assert.Same(provider.GetRequiredService<CheckpointSaver>(), graph.Saver);
        var thread = "di-" + Guid.NewGuid();
        var state = await graph.InvokeAsync(new Counter(), RunConfig.ForThread(thread));
        Assert.Equal("hello #1", state.Greeting);
        Assert.Equal(1, (await graph.Saver.GetAsync(thread, "", null))!.Checkpoint.Step);
        return state;
    }

    private static async Task<HealthReport> HealthAsync(IServiceProvider provider) =>
        await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    [Fact]
    public async Task UseSqlite_registers_a_singleton_saver_that_runs_the_registered_graph_is_healthy_and_is_disposed_with_the_container()
    {
        var path = Path.Combine(_directory, "agent.db");
        CheckpointSaver saver;
        await using (var provider = Build(b => b.UseSqlite($"Data Source={path}")))
        {
            saver = provider.GetRequiredService<CheckpointSaver>();
            Assert.Equal(path, Assert.IsType<SqliteCheckpointSaver>(saver).DatabasePath);
            Assert.Same(saver, provider.GetRequiredService<CheckpointSaver>());
            await RunGraphAsync(provider);
            var report = await HealthAsync(provider);
            Assert.Equal(HealthStatus.Healthy, report.Status);
            Assert.Equal(nameof(SqliteCheckpointSaver), report.Entries["checkpoint"].Data["saver"]);
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(() => saver.GetAsync("t", "", null));
    }

    [Fact]
    public async Task UseSqlite_from_a_configuration_section_binds_the_options()
    {
        var path = Path.Combine(_directory, "configured.db");
        var configuration = Config(
            ("Checkpoint:Sqlite:ConnectionString", $"Data Source={path}"),
            ("Checkpoint:Sqlite:TablePrefix", "app_"),
            ("Checkpoint:Sqlite:BusyTimeout", "00:00:07"),
            ("Checkpoint:Sqlite:MaxAttempts", "3"),
            ("Checkpoint:Sqlite:ThreadTimeToLive", "02:00:00"),
            ("Checkpoint:Sqlite:BackgroundWalCheckpoints", "false"),
            ("Checkpoint:Sqlite:MemoryMapBytes", "1048576"));
        await using var provider = Build(b => b.UseSqlite(configuration.GetSection("Checkpoint:Sqlite")));

        var options = provider.GetRequiredService<IOptions<SqliteCheckpointSaverOptions>>().Value;
        Assert.False(options.BackgroundWalCheckpoints);
        Assert.Equal(1L << 20, options.MemoryMapBytes);
        Assert.Equal("app_", options.TablePrefix);
        Assert.Equal(TimeSpan.FromSeconds(7), options.BusyTimeout);
        Assert.Equal(3, options.MaxAttempts);
        Assert.Equal(TimeSpan.FromHours(2), options.ThreadTimeToLive);
        Assert.NotNull(provider.GetRequiredService<CheckpointSaver>().ThreadTimeToLive);
        await RunGraphAsync(provider);

        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'app_checkpoints'";
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_graph_uses_the_containers_clock_and_the_saver_too()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var provider = Build(b => b.UseSqlite(Path.Combine(_directory, "clock.db")), more: s => s.AddSingleton<TimeProvider>(clock));

        var graph = provider.GetRequiredService<CompiledGraph<Counter>>();
        await graph.InvokeAsync(new Counter(), RunConfig.ForThread("clocked"));

        Assert.Equal(clock.GetUtcNow(), (await graph.GetStateAsync(RunConfig.ForThread("clocked")))!.CreatedAt);
    }

    [Fact]
    public async Task UseConfiguredSaver_picks_the_saver_the_configuration_names()
    {
        var schema = "di_" + Guid.NewGuid().ToString("N");
        var configuration = Config(
            ("Checkpoint:Saver", "postgres"),
            ("Checkpoint:Sqlite:ConnectionString", Path.Combine(_directory, "unused.db")),
            ("Checkpoint:Postgres:ConnectionString", TestServers.Postgres),
            ("Checkpoint:Postgres:Schema", schema),
            ("Checkpoint:Postgres:CommandTimeout", "00:00:20"));
        try
        {
            await using var provider = Build(b => b.UseConfiguredSaver(configuration.GetSection("Checkpoint"), new Dictionary<string, Action<CheckpointBuilder, IConfiguration>>
            {
                ["Sqlite"] = (builder, section) => builder.UseSqlite(section),
                ["Postgres"] = (builder, section) => builder.UsePostgres(section),
            }));

            var saver = Assert.IsType<PostgresCheckpointSaver>(provider.GetRequiredService<CheckpointSaver>());
            Assert.Equal(schema, saver.Schema);
            Assert.Equal(TimeSpan.FromSeconds(20), provider.GetRequiredService<IOptions<PostgresCheckpointSaverOptions>>().Value.CommandTimeout);
            await RunGraphAsync(provider);
            Assert.Equal(HealthStatus.Healthy, (await HealthAsync(provider)).Status);
            Assert.False(File.Exists(Path.Combine(_directory, "unused.db")));
        }
        finally
        {
            await using var dataSource = NpgsqlDataSource.Create(TestServers.Postgres);
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task UseConfiguredSaver_knows_InMemory_and_names_the_key_when_the_saver_is_missing_or_unknown()
    {
        await using (var provider = Build(b => b.UseConfiguredSaver(Config(("Checkpoint:Saver", "InMemory")).GetSection("Checkpoint"), new Dictionary<string, Action<CheckpointBuilder, IConfiguration>>())))
        {
            Assert.IsType<InMemoryCheckpointSaver>(provider.GetRequiredService<CheckpointSaver>());
            await RunGraphAsync(provider);
        }

        var savers = new Dictionary<string, Action<CheckpointBuilder, IConfiguration>> { ["Sqlite"] = (b, s) => b.UseSqlite(s) };
        var missing = Assert.Throws<InvalidOperationException>(() => Build(b => b.UseConfiguredSaver(Config(("Other", "x")).GetSection("Checkpoint"), savers)));
        Assert.Contains("'Checkpoint:Saver'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("Sqlite, InMemory", missing.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<InvalidOperationException>(() => Build(b => b.UseConfiguredSaver(Config(("Checkpoint:Saver", "Mongo")).GetSection("Checkpoint"), savers)));
        Assert.Contains("'Mongo'", unknown.Message, StringComparison.Ordinal);
        var noConnection = Assert.Throws<InvalidOperationException>(() => Build(b => b.UseConfiguredSaver(Config(("Checkpoint:Saver", "Sqlite")).GetSection("Checkpoint"), savers)));
        Assert.Contains("'Checkpoint:Sqlite:ConnectionString'", noConnection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseRedis_runs_the_graph_on_the_server_with_the_configured_prefix_and_is_healthy()
    {
        var prefix = "ckpt-di-" + Guid.NewGuid().ToString("N");
        var configuration = Config(("Redis:ConnectionString", TestServers.Redis), ("Redis:KeyPrefix", prefix), ("Redis:ThreadTimeToLive", "00:10:00"));
        await using var provider = Build(b => b.UseRedis(configuration.GetSection("Redis")));

        var saver = Assert.IsType<RedisCheckpointSaver>(provider.GetRequiredService<CheckpointSaver>());
        Assert.Equal(prefix, saver.Options.KeyPrefix);
        Assert.Equal(TimeSpan.FromMinutes(10), saver.Options.ThreadTimeToLive);
        await RunGraphAsync(provider);
        Assert.Equal(HealthStatus.Healthy, (await HealthAsync(provider)).Status);
        await saver.DeleteThreadAsync("none"); // the saver still works: the container owns it
    }

    [Fact]
    public async Task UseRedis_with_a_configuration_string_owns_its_connection()
    {
        var prefix = "ckpt-di-" + Guid.NewGuid().ToString("N");
        CheckpointSaver saver;
        await using (var provider = Build(b => b.UseRedis(TestServers.Redis, o => o with { KeyPrefix = prefix })))
        {
            saver = provider.GetRequiredService<CheckpointSaver>();
            await RunGraphAsync(provider);
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(() => saver.GetAsync("t", "", null));
    }

    [Fact]
    public async Task UsePostgres_with_a_connection_string_runs_the_graph()
    {
        var schema = "di_" + Guid.NewGuid().ToString("N");
        try
        {
            await using var provider = Build(b => b.UsePostgres(TestServers.Postgres, o => o with { Schema = schema }));
            Assert.Equal(schema, Assert.IsType<PostgresCheckpointSaver>(provider.GetRequiredService<CheckpointSaver>()).Schema);
            await RunGraphAsync(provider);
        }
        finally
        {
            await using var dataSource = NpgsqlDataSource.Create(TestServers.Postgres);
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task The_health_check_is_unhealthy_with_the_error_when_PostgreSQL_is_unreachable()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Host = "127.0.0.1", Port = TestServers.ClosedPort(), Timeout = 5 }.ConnectionString;
        await using var provider = Build(b => b.UsePostgres(unreachable));

        var entry = (await HealthAsync(provider)).Entries["checkpoint"];

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.NotNull(entry.Exception);
        Assert.StartsWith("PostgresCheckpointSaver did not answer: ", entry.Description, StringComparison.Ordinal);
        Assert.Contains(entry.Exception!.Message, entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_health_check_is_unhealthy_with_the_error_when_Redis_is_unreachable()
    {
        await using var provider = Build(b => b.UseRedis($"127.0.0.1:{TestServers.ClosedPort()},connectTimeout=1000,asyncTimeout=1000,connectRetry=0"));

        var entry = (await HealthAsync(provider)).Entries["checkpoint"];

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.IsAssignableFrom<StackExchange.Redis.RedisException>(entry.Exception);
        Assert.StartsWith("RedisCheckpointSaver did not answer: ", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sweepers_are_reachable_from_the_builder_as_hosted_services()
    {
        await using var provider = Build(b => b.UseInMemory()
            .AddRetentionSweep(o => o.Policy = new RetentionPolicy { KeepLatest = 5 })
            .AddThreadExpirySweep(o => o.SweepOnStart = false));

        var hosted = provider.GetServices<IHostedService>().ToList();
        Assert.Contains(hosted, s => s is RetentionSweepService);
        Assert.Contains(hosted, s => s is ThreadExpirySweepService);
        Assert.False(provider.GetRequiredService<IOptions<ThreadExpirySweepOptions>>().Value.SweepOnStart);
    }
}

using Checkpoint.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Checkpoint.Postgres;

/// <summary>
/// <c>UsePostgres</c> for <c>services.AddCheckpoint(...)</c>. It lives in this package, so an application that installs
/// Checkpoint.Postgres gets it without any other database's client.
/// </summary>
public static class PostgresCheckpointBuilderExtensions
{
    /// <summary>The configuration key of the Npgsql connection string in a saver's section: <c>ConnectionString</c>.</summary>
    public const string ConnectionStringKey = "ConnectionString";

    /// <summary>
    /// Uses a <see cref="PostgresCheckpointSaver"/> with its own data source for <paramref name="connectionString"/> (disposed with the saver).
    /// Its options are <see cref="IOptions{TOptions}"/> of <see cref="PostgresCheckpointSaverOptions"/>, then <paramref name="configure"/>;
    /// the container's <see cref="TimeProvider"/> and <see cref="ILoggerFactory"/> fill what they leave unset.
    /// </summary>
    public static CheckpointBuilder UsePostgres(
        this CheckpointBuilder builder, string connectionString, Func<PostgresCheckpointSaverOptions, PostgresCheckpointSaverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.Services.AddOptions<PostgresCheckpointSaverOptions>();
        return builder.UseSaver(provider => new PostgresCheckpointSaver(connectionString, Options(provider, configure)));
    }

    /// <summary>
    /// Uses a <see cref="PostgresCheckpointSaver"/> on the <see cref="NpgsqlDataSource"/> <paramref name="dataSource"/> returns (for
    /// example one registered with Npgsql's own DI package); the saver does not dispose it. Timeouts come from its connection string.
    /// </summary>
    public static CheckpointBuilder UsePostgres(
        this CheckpointBuilder builder, Func<IServiceProvider, NpgsqlDataSource> dataSource,
        Func<PostgresCheckpointSaverOptions, PostgresCheckpointSaverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        builder.Services.AddOptions<PostgresCheckpointSaverOptions>();
        return builder.UseSaver(provider => new PostgresCheckpointSaver(dataSource(provider), Options(provider, configure)));
    }

    /// <summary>
    /// Uses a <see cref="PostgresCheckpointSaver"/> configured by <paramref name="section"/> (e.g. <c>Checkpoint:Postgres</c>):
    /// <c>ConnectionString</c> (required), and any <see cref="PostgresCheckpointSaverOptions"/> property by name (<c>Schema</c>,
    /// <c>AutoMigrate</c>, <c>ConnectTimeout</c>, <c>CommandTimeout</c>, <c>ThreadTimeToLive</c>, <c>ChunkCacheBytes</c>,
    /// <c>ScrubAfterErase</c>, <c>ScrubWaitTimeout</c>, <c>GroupOlderRecords</c>), bound to <see cref="IOptions{TOptions}"/>.
    /// </summary>
    public static CheckpointBuilder UsePostgres(this CheckpointBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var connectionString = SaverConfiguration.Required(section, ConnectionStringKey);
        builder.Services.AddOptions<PostgresCheckpointSaverOptions>().Bind(section);
        return builder.UseSaver(provider => new PostgresCheckpointSaver(connectionString, Options(provider, configure: null)));
    }

    private static PostgresCheckpointSaverOptions Options(
        IServiceProvider provider, Func<PostgresCheckpointSaverOptions, PostgresCheckpointSaverOptions>? configure)
    {
        var options = provider.GetRequiredService<IOptions<PostgresCheckpointSaverOptions>>().Value;
        options = configure?.Invoke(options) ?? options;
        if (provider.GetService<TimeProvider>() is { } clock && ReferenceEquals(options.TimeProvider, TimeProvider.System))
        {
            options = options with { TimeProvider = clock };
        }

        return options with { LoggerFactory = options.LoggerFactory ?? provider.GetService<ILoggerFactory>() };
    }
}

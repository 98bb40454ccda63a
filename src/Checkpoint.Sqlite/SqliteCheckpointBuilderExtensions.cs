using Checkpoint.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkpoint.Sqlite;

/// <summary>
/// <c>UseSqlite</c> for <c>services.AddCheckpoint(...)</c>. It lives in this package, so an application that installs
/// Checkpoint.Sqlite gets it without any other database's client.
/// </summary>
public static class SqliteCheckpointBuilderExtensions
{
    /// <summary>The configuration key of the connection string (or file path) in a saver's section: <c>ConnectionString</c>.</summary>
    public const string ConnectionStringKey = "ConnectionString";

    /// <summary>
    /// Uses a <see cref="SqliteCheckpointSaver"/> on <paramref name="connectionString"/> (<c>"Data Source=agent.db"</c> or a path).
    /// Its options are <see cref="IOptions{TOptions}"/> of <see cref="SqliteCheckpointSaverOptions"/> (bindable elsewhere), then
    /// <paramref name="configure"/>; the container's <see cref="TimeProvider"/> and <see cref="ILoggerFactory"/> fill what they leave unset.
    /// </summary>
    public static CheckpointBuilder UseSqlite(
        this CheckpointBuilder builder, string connectionString, Func<SqliteCheckpointSaverOptions, SqliteCheckpointSaverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.Services.AddOptions<SqliteCheckpointSaverOptions>();
        return builder.UseSaver(provider => Create(provider, connectionString, configure));
    }

    /// <summary>
    /// Uses a <see cref="SqliteCheckpointSaver"/> configured by <paramref name="section"/> (e.g. <c>Checkpoint:Sqlite</c>):
    /// <c>ConnectionString</c> (required), and any <see cref="SqliteCheckpointSaverOptions"/> property by name
    /// (<c>BusyTimeout</c>, <c>MaxAttempts</c>, <c>TablePrefix</c>, <c>ThreadTimeToLive</c>, <c>ChunkCacheBytes</c>, <c>ScrubAfterErase</c>,
    /// <c>BackgroundWalCheckpoints</c>, <c>MemoryMapBytes</c>),
    /// bound to <see cref="IOptions{TOptions}"/>.
    /// </summary>
    public static CheckpointBuilder UseSqlite(this CheckpointBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var connectionString = SaverConfiguration.Required(section, ConnectionStringKey);
        builder.Services.AddOptions<SqliteCheckpointSaverOptions>().Bind(section);
        return builder.UseSaver(provider => Create(provider, connectionString, configure: null));
    }

    private static SqliteCheckpointSaver Create(
        IServiceProvider provider, string connectionString, Func<SqliteCheckpointSaverOptions, SqliteCheckpointSaverOptions>? configure)
    {
        var options = provider.GetRequiredService<IOptions<SqliteCheckpointSaverOptions>>().Value;
        options = configure?.Invoke(options) ?? options;
        if (provider.GetService<TimeProvider>() is { } clock && ReferenceEquals(options.TimeProvider, TimeProvider.System))
        {
            options = options with { TimeProvider = clock };
        }

        return new SqliteCheckpointSaver(connectionString, options with { LoggerFactory = options.LoggerFactory ?? provider.GetService<ILoggerFactory>() });
    }
}

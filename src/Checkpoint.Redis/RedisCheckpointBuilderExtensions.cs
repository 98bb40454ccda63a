using Checkpoint.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Checkpoint.Redis;

/// <summary>
/// <c>UseRedis</c> for <c>services.AddCheckpoint(...)</c>. It lives in this package, so an application that installs
/// Checkpoint.Redis gets it without any other database's client.
/// </summary>
public static class RedisCheckpointBuilderExtensions
{
    /// <summary>The configuration key of the StackExchange.Redis configuration string in a saver's section: <c>ConnectionString</c>.</summary>
    public const string ConnectionStringKey = "ConnectionString";

    /// <summary>
    /// Uses a <see cref="RedisCheckpointSaver"/> that owns a connection made from <paramref name="configuration"/>
    /// (<c>"localhost:6379"</c>, with StackExchange.Redis options). The connection is opened when the saver is first
    /// resolved and does not fail when Redis is down (<c>abortConnect=false</c>): calls fail until it is reachable, and the
    /// health check reports it. Options: <see cref="IOptions{TOptions}"/> of <see cref="RedisCheckpointSaverOptions"/>, then <paramref name="configure"/>.
    /// </summary>
    public static CheckpointBuilder UseRedis(
        this CheckpointBuilder builder, string configuration, Func<RedisCheckpointSaverOptions, RedisCheckpointSaverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        builder.Services.AddOptions<RedisCheckpointSaverOptions>();
        return builder.UseSaver(provider => RedisCheckpointSaver.Owning(Connect(configuration), Options(provider, configure)));
    }

    /// <summary>Uses a <see cref="RedisCheckpointSaver"/> on the connection <paramref name="connection"/> returns (the saver does not close it).</summary>
    public static CheckpointBuilder UseRedis(
        this CheckpointBuilder builder, Func<IServiceProvider, IConnectionMultiplexer> connection,
        Func<RedisCheckpointSaverOptions, RedisCheckpointSaverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        builder.Services.AddOptions<RedisCheckpointSaverOptions>();
        return builder.UseSaver(provider => new RedisCheckpointSaver(connection(provider), Options(provider, configure)));
    }

    /// <summary>
    /// Uses a <see cref="RedisCheckpointSaver"/> configured by <paramref name="section"/> (e.g. <c>Checkpoint:Redis</c>):
    /// <c>ConnectionString</c> (required: a StackExchange.Redis configuration string), and <see cref="RedisCheckpointSaverOptions"/>
    /// properties by name (<c>KeyPrefix</c>, <c>ThreadTimeToLive</c>, <c>ChunkCacheBytes</c>, <c>GroupOlderRecords</c>), bound to <see cref="IOptions{TOptions}"/>.
    /// </summary>
    public static CheckpointBuilder UseRedis(this CheckpointBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var configuration = SaverConfiguration.Required(section, ConnectionStringKey);
        builder.Services.AddOptions<RedisCheckpointSaverOptions>().Bind(section);
        return builder.UseSaver(provider => RedisCheckpointSaver.Owning(Connect(configuration), Options(provider, configure: null)));
    }

    private static ConnectionMultiplexer Connect(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false; // a host must start (and report unhealthy) while Redis is down
        return ConnectionMultiplexer.Connect(options);
    }

    private static RedisCheckpointSaverOptions Options(IServiceProvider provider, Func<RedisCheckpointSaverOptions, RedisCheckpointSaverOptions>? configure)
    {
        var options = provider.GetRequiredService<IOptions<RedisCheckpointSaverOptions>>().Value;
        options = configure?.Invoke(options) ?? options;
        return options with { LoggerFactory = options.LoggerFactory ?? provider.GetService<ILoggerFactory>() };
    }
}

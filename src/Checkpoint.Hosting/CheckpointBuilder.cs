using Checkpoint.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Checkpoint.Hosting;

/// <summary>
/// Configures Checkpoint in a service collection (from <see cref="CheckpointServiceCollectionExtensions.AddCheckpoint(IServiceCollection)"/>).
/// The saver is one singleton <see cref="CheckpointSaver"/>, created on first use and disposed with the container
/// (dispose the container asynchronously, as the host does: savers are <see cref="IAsyncDisposable"/>).
/// </summary>
public sealed class CheckpointBuilder
{
    /// <summary>The configuration key naming the saver in <see cref="UseConfiguredSaver"/>: <c>Saver</c>.</summary>
    public const string SaverKey = "Saver";

    /// <summary>The name <see cref="UseConfiguredSaver"/> knows without being told: <c>InMemory</c>.</summary>
    public const string InMemoryName = "InMemory";

    /// <summary>Creates a builder on <paramref name="services"/>.</summary>
    public CheckpointBuilder(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services;
    }

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Registers the saver <paramref name="factory"/> creates as the singleton <see cref="CheckpointSaver"/> (replacing a saver
    /// registered before). Saver packages build their <c>Use…</c> methods on it.
    /// </summary>
    public CheckpointBuilder UseSaver(Func<IServiceProvider, CheckpointSaver> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.Replace(ServiceDescriptor.Singleton(factory));
        return this;
    }

    /// <summary>Uses an <see cref="InMemoryCheckpointSaver"/> (tests, ephemeral runs), on the container's <see cref="TimeProvider"/> when it has one.</summary>
    public CheckpointBuilder UseInMemory(InMemoryCheckpointSaverOptions? options = null) =>
        UseSaver(provider =>
        {
            var chosen = options ?? new InMemoryCheckpointSaverOptions();
            if (provider.GetService<TimeProvider>() is { } clock && ReferenceEquals(chosen.TimeProvider, TimeProvider.System))
            {
                chosen = chosen with { TimeProvider = clock };
            }

            return new InMemoryCheckpointSaver(chosen);
        });

    /// <summary>
    /// Chooses the saver by configuration: <paramref name="section"/>'s <c>Saver</c> key names one of <paramref name="savers"/>
    /// (or <c>InMemory</c>), which is called with the sub-section of that name, e.g. with
    /// <c>{ "Checkpoint": { "Saver": "Postgres", "Postgres": { "ConnectionString": "..." } } }</c> and
    /// <c>new Dictionary&lt;string, Action&lt;CheckpointBuilder, IConfiguration&gt;&gt; { ["Sqlite"] = (b, s) =&gt; b.UseSqlite(s), ["Postgres"] = (b, s) =&gt; b.UsePostgres(s) }</c>
    /// (a <see cref="Dictionary{TKey, TValue}"/>: target-typed <c>new()</c> cannot create the interface).
    /// Names are case-insensitive. Throws <see cref="InvalidOperationException"/> naming the key when it is missing or unknown.
    /// </summary>
    public CheckpointBuilder UseConfiguredSaver(IConfiguration section, IReadOnlyDictionary<string, Action<CheckpointBuilder, IConfiguration>> savers)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(savers);
        var name = section[SaverKey];
        var known = savers.Keys.Append(InMemoryName).ToList();
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new InvalidOperationException($"Configuration key '{PathOf(section, SaverKey)}' must name the checkpoint saver: one of {string.Join(", ", known)}.");
        }

        if (savers.FirstOrDefault(s => string.Equals(s.Key, name, StringComparison.OrdinalIgnoreCase)) is { Value: { } use } chosen)
        {
            use(this, section.GetSection(chosen.Key));
            return this;
        }

        if (string.Equals(name, InMemoryName, StringComparison.OrdinalIgnoreCase))
        {
            return UseInMemory();
        }

        throw new InvalidOperationException($"Configuration key '{PathOf(section, SaverKey)}' names an unknown checkpoint saver '{name}': use one of {string.Join(", ", known)}.");
    }

    /// <summary>
    /// Registers a singleton <see cref="CompiledGraph{TState}"/>: <paramref name="define"/> builds the graph (resolving what its
    /// nodes need from the provider), which is compiled on the registered saver. Unless <paramref name="options"/> says otherwise,
    /// the graph uses the container's <see cref="TimeProvider"/> and <see cref="ILoggerFactory"/>, and its nodes see the container
    /// as <see cref="NodeContext"/> services.
    /// </summary>
    public CheckpointBuilder AddGraph<TState>(Func<IServiceProvider, StateGraph<TState>> define, Func<IServiceProvider, CompileOptions>? options = null)
        where TState : class, new()
    {
        ArgumentNullException.ThrowIfNull(define);
        Services.AddSingleton(provider =>
        {
            var compileOptions = options?.Invoke(provider) ?? new CompileOptions
            {
                TimeProvider = provider.GetService<TimeProvider>() ?? TimeProvider.System,
                LoggerFactory = provider.GetService<ILoggerFactory>(),
                Services = provider,
            };
            return define(provider).Compile(provider.GetRequiredService<CheckpointSaver>(), compileOptions);
        });
        return this;
    }

    /// <summary>
    /// Adds a health check (<see cref="CheckpointHealthCheck"/>) that reads from the registered saver: healthy when the read
    /// succeeds, <paramref name="failureStatus"/> (default unhealthy) with the error when the database cannot be reached.
    /// </summary>
    public CheckpointBuilder AddHealthCheck(string name = "checkpoint", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Services.AddHealthChecks().Add(new HealthCheckRegistration(
            name, provider => new CheckpointHealthCheck(provider.GetRequiredService<CheckpointSaver>()), failureStatus, tags, timeout));
        return this;
    }

    /// <summary>Adds the retention sweep (see <see cref="RetentionServiceCollectionExtensions.AddCheckpointRetention"/>).</summary>
    public CheckpointBuilder AddRetentionSweep(Action<RetentionSweepOptions> configure)
    {
        Services.AddCheckpointRetention(configure);
        return this;
    }

    /// <summary>Adds the thread expiry sweep (see <see cref="ThreadExpiryServiceCollectionExtensions.AddCheckpointThreadExpiry"/>).</summary>
    public CheckpointBuilder AddThreadExpirySweep(Action<ThreadExpirySweepOptions>? configure = null)
    {
        Services.AddCheckpointThreadExpiry(configure);
        return this;
    }

    /// <summary>Adds the memory sweep of the registered memory store (see <see cref="MemorySweepServiceCollectionExtensions.AddMemorySweeper"/>).</summary>
    public CheckpointBuilder AddMemorySweep(Action<MemorySweepOptions>? configure = null)
    {
        Services.AddMemorySweeper(configure);
        return this;
    }

    private static string PathOf(IConfiguration section, string key) =>
        section is IConfigurationSection { Path: { Length: > 0 } path } ? ConfigurationPath.Combine(path, key) : key;
}

using Microsoft.Extensions.DependencyInjection;

namespace Checkpoint.Hosting;

/// <summary>Registers Checkpoint in a service collection: <c>services.AddCheckpoint(b => b.UseSqlite("Data Source=agent.db"))</c>.</summary>
public static class CheckpointServiceCollectionExtensions
{
    /// <summary>
    /// Returns a <see cref="CheckpointBuilder"/> on <paramref name="services"/>: choose the saver (<see cref="CheckpointBuilder.UseInMemory"/>,
    /// or <c>UseSqlite</c> / <c>UsePostgres</c> / <c>UseRedis</c> from the saver packages), register graphs, the health check and the sweepers.
    /// </summary>
    public static CheckpointBuilder AddCheckpoint(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return new CheckpointBuilder(services);
    }

    /// <summary>Like <see cref="AddCheckpoint(IServiceCollection)"/>, configuring the builder with <paramref name="configure"/>; returns the services.</summary>
    public static IServiceCollection AddCheckpoint(this IServiceCollection services, Action<CheckpointBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        configure(new CheckpointBuilder(services));
        return services;
    }
}

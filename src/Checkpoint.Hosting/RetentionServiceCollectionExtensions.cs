using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Checkpoint.Hosting;

/// <summary>Registers the retention sweep.</summary>
public static class RetentionServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="RetentionSweepService"/>, which prunes every thread of the registered
    /// <see cref="Storage.CheckpointSaver"/> with the configured policy on an interval. The options are
    /// validated when the host starts (a policy is required, the interval must be positive).
    /// </summary>
    public static IServiceCollection AddCheckpointRetention(this IServiceCollection services, Action<RetentionSweepOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<RetentionSweepOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetentionSweepOptions>, RetentionSweepOptionsValidator>());
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(RetentionSweepService)))
        {
            // Called again, it only configures more: one service, started once.
            services.AddSingleton<RetentionSweepService>();
            services.AddHostedService(provider => provider.GetRequiredService<RetentionSweepService>());
        }

        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace Checkpoint.Hosting;

/// <summary>Registers the thread expiry sweep.</summary>
public static class ThreadExpiryServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ThreadExpirySweepService"/>, which deletes the expired threads of the registered
    /// <see cref="Storage.CheckpointSaver"/> (its <see cref="Storage.CheckpointSaver.ThreadTimeToLive"/>) on an interval.
    /// The options are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddCheckpointThreadExpiry(this IServiceCollection services, Action<ThreadExpirySweepOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ThreadExpirySweepOptions>()
            .Configure(configure ?? (_ => { }))
            .Validate(options => options.Interval > TimeSpan.Zero, "ThreadExpirySweepOptions.Interval must be positive.")
            .ValidateOnStart();
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(ThreadExpirySweepService)))
        {
            // Called again, it only configures more: one service, started once.
            services.AddSingleton<ThreadExpirySweepService>();
            services.AddHostedService(provider => provider.GetRequiredService<ThreadExpirySweepService>());
        }

        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Checkpoint.Hosting;

/// <summary>Registers the memory sweep.</summary>
public static class MemorySweepServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="MemorySweepService"/>, which purges expired items and enforces capacity limits of the
    /// registered <see cref="Memory.MemoryStore"/> on an interval. The options are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddMemorySweeper(this IServiceCollection services, Action<MemorySweepOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<MemorySweepOptions>()
            .Configure(configure ?? (_ => { }))
            .Validate(options => options.Interval > TimeSpan.Zero, "MemorySweepOptions.Interval must be positive.")
            .ValidateOnStart();
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(MemorySweepService)))
        {
            services.AddSingleton<MemorySweepService>();
            services.AddHostedService(provider => provider.GetRequiredService<MemorySweepService>());
        }

        return services;
    }
}

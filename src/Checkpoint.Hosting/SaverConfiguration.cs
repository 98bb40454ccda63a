using Microsoft.Extensions.Configuration;

namespace Checkpoint.Hosting;

/// <summary>Reads a saver's configuration section (for the saver packages' <c>Use…(IConfiguration)</c> methods).</summary>
public static class SaverConfiguration
{
    /// <summary>The value of <paramref name="key"/> in <paramref name="section"/>; throws <see cref="InvalidOperationException"/> naming its full path when it is missing or blank.</summary>
    public static string Required(IConfiguration section, string key)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            var path = section is IConfigurationSection { Path: { Length: > 0 } parent } ? ConfigurationPath.Combine(parent, key) : key;
            throw new InvalidOperationException($"Configuration key '{path}' is required for the checkpoint saver.");
        }

        return value;
    }
}

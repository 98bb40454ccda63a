using System.Reflection;

namespace Checkpoint.Cli.Serve;

/// <summary>The page's files, embedded in the tool: the inspector works offline and loads nothing from a CDN.</summary>
internal static class EmbeddedAssets
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    };

    /// <summary>The bytes and content type of an asset by file name, or null when there is no such asset.</summary>
    public static (byte[] Bytes, string ContentType)? Find(string name)
    {
        if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var contentType) || name.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        using var stream = typeof(EmbeddedAssets).Assembly.GetManifestResourceStream("Checkpoint.Cli.Serve.wwwroot." + name);
        if (stream is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return (copy.ToArray(), contentType);
    }
}

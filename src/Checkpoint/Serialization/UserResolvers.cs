using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace Checkpoint.Serialization;

/// <summary>
/// Puts <see cref="SerializerOptions.Formatters"/> and <see cref="SerializerOptions.Resolvers"/> in front
/// of the built-in resolver, refusing anything typeless: stored bytes must never name a type to construct.
/// </summary>
internal static class UserResolvers
{
    public static IFormatterResolver Compose(SerializerOptions options, IFormatterResolver builtIn)
    {
        ArgumentNullException.ThrowIfNull(options.Formatters, "options.Formatters");
        ArgumentNullException.ThrowIfNull(options.Resolvers, "options.Resolvers");
        if (options.Formatters.Count == 0 && options.Resolvers.Count == 0)
        {
            return builtIn;
        }

        foreach (var formatter in options.Formatters)
        {
            if (formatter is null or TypelessFormatter || formatter is IMessagePackFormatter<object>)
            {
                throw new ArgumentException(
                    $"SerializerOptions.Formatters: {formatter?.GetType().Name ?? "null"} is refused: a formatter of object (or a Typeless one) would read type names from storage.",
                    nameof(options));
            }
        }

        foreach (var resolver in options.Resolvers)
        {
            if (resolver is null || IsTypeless(resolver))
            {
                throw new ArgumentException(
                    $"SerializerOptions.Resolvers: {resolver?.GetType().Name ?? "null"} is refused: a Typeless resolver reads type names from storage, " +
                    "so stored bytes could choose what gets constructed.",
                    nameof(options));
            }
        }

        return CompositeResolver.Create([.. options.Formatters], [.. options.Resolvers, builtIn]);
    }

    private static bool IsTypeless(IFormatterResolver resolver)
    {
        if (resolver is TypelessContractlessStandardResolver or TypelessObjectResolver || resolver.GetType().Name.Contains("Typeless", StringComparison.Ordinal))
        {
            return true;
        }

        try
        {
            return resolver.GetFormatter<object>() is TypelessFormatter;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false; // a resolver that cannot serve object serves no object at all
        }
    }
}

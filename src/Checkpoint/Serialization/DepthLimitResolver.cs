using System.Runtime.CompilerServices;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace Checkpoint.Serialization;

/// <summary>
/// The contractless resolver with a nesting counter around every formatter of a type that can hold
/// other values, for writing only: MessagePack limits depth when reading but not when writing, so
/// a value that contains itself recursed until the process died of a stack overflow. Past
/// <see cref="MessagePackSecurity.MaximumObjectGraphDepth"/> of the options (or when the stack runs
/// low) serializing throws <see cref="DepthLimitReachedException"/>. Every formatter the reader
/// counts (objects, collections) is counted here, so a value that can be written can be read back.
/// </summary>
internal sealed class DepthLimitResolver : IFormatterResolver
{
    public static readonly DepthLimitResolver Instance = new();

    // Serializing is synchronous: a per-thread counter follows exactly one value being written.
    [ThreadStatic]
    private static int t_depth;

    private DepthLimitResolver()
    {
    }

    public IMessagePackFormatter<T>? GetFormatter<T>() => Cache<T>.Formatter;

    private static DepthLimitReachedException TooDeep(int limit) =>
        new($"objects and collections nest more than {limit} deep (a value that contains itself always does).");

    private static DepthLimitReachedException StackLow(int depth) =>
        new($"objects and collections nest so deep ({depth} levels) that the stack runs low.");

    // Values that never contain other values need no counting (most formatter calls are these).
    private static bool IsLeaf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(byte[])
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Guid);
    }

    private static class Cache<T>
    {
        // The AI types are one JSON string each: System.Text.Json limits their depth itself.
        public static readonly IMessagePackFormatter<T>? Formatter = AIJsonTypes.FormatterFor<T>() ??
            (ContractlessStandardResolver.Instance.GetFormatter<T>() is { } inner && !IsLeaf(typeof(T))
                ? new DepthCountingFormatter<T>(inner)
                : ContractlessStandardResolver.Instance.GetFormatter<T>());
    }

    private sealed class DepthCountingFormatter<T>(IMessagePackFormatter<T> inner) : IMessagePackFormatter<T>
    {
        public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
        {
            if (value is null)
            {
                inner.Serialize(ref writer, value, options); // nil: the reader does not count it either
                return;
            }

            var depth = ++t_depth;
            try
            {
                if (depth > options.Security.MaximumObjectGraphDepth)
                {
                    throw TooDeep(options.Security.MaximumObjectGraphDepth);
                }

                if ((depth & 31) == 0 && !RuntimeHelpers.TryEnsureSufficientExecutionStack())
                {
                    throw StackLow(depth);
                }

                inner.Serialize(ref writer, value, options);
            }
            finally
            {
                t_depth--;
            }
        }

        public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => inner.Deserialize(ref reader, options);
    }
}

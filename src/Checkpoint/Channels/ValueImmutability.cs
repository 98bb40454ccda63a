using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Numerics;
using System.Reflection;

namespace Checkpoint.Channels;

/// <summary>
/// Which types are deeply immutable: nothing reachable from a value can change once it is built.
/// The engine shares such values with nodes, routers and callers and copies every other value, so
/// the answer is conservative: an interface, <c>object</c>, an array, or a class with a settable
/// field (at any depth) counts as mutable.
/// </summary>
internal static class ValueImmutability
{
    private const BindingFlags InstanceFields = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    private static readonly ConcurrentDictionary<Type, bool> Known = new();

    // Immutable types whose private fields do not show it (lazy caches, buffers no one else holds).
    private static readonly HashSet<Type> Leaves =
    [
        typeof(string), typeof(decimal), typeof(DateTime), typeof(DateTimeOffset), typeof(TimeSpan), typeof(Guid),
        typeof(DateOnly), typeof(TimeOnly), typeof(Half), typeof(Int128), typeof(UInt128), typeof(BigInteger),
        typeof(Uri), typeof(Version),
    ];

    // Immutable containers: immutable when their type arguments are.
    private static readonly HashSet<Type> Containers =
    [
        typeof(ImmutableArray<>), typeof(ImmutableList<>), typeof(ImmutableDictionary<,>), typeof(ImmutableSortedDictionary<,>),
        typeof(ImmutableHashSet<>), typeof(ImmutableSortedSet<>), typeof(ImmutableQueue<>), typeof(ImmutableStack<>),
        typeof(AppendOnlyList<>),
    ];

    /// <summary>True when no value of <paramref name="type"/> can change after it is built.</summary>
    public static bool IsImmutable(Type type)
    {
        if (Known.TryGetValue(type, out var known))
        {
            return known;
        }

        var result = Compute(type, []);
        Known[type] = result;
        return result;
    }

    // `assumed` holds the types being examined: a type that refers back to itself is judged by its
    // other members. Only the outermost answer is cached, since inner ones may rest on an assumption.
    private static bool Compute(Type type, HashSet<Type> assumed)
    {
        if (type.IsPrimitive || type.IsEnum || Leaves.Contains(type) || !assumed.Add(type))
        {
            return true;
        }

        if (type.IsArray || type.IsPointer || type.IsByRef || type.IsInterface || type.IsAbstract || type == typeof(object))
        {
            return false;
        }

        if (Known.TryGetValue(type, out var known))
        {
            return known;
        }

        if (type.IsGenericType && Containers.Contains(type.GetGenericTypeDefinition()))
        {
            return type.GetGenericArguments().All(argument => Compute(argument, assumed));
        }

        // A struct reaches a node as a copy, so only what its fields point to matters; a class must
        // also keep every field (its own and its bases') read-only.
        for (var current = type; current is not null && current != typeof(object) && current != typeof(ValueType); current = current.BaseType)
        {
            foreach (var field in current.GetFields(InstanceFields))
            {
                if ((!type.IsValueType && !field.IsInitOnly) || !Compute(field.FieldType, assumed))
                {
                    return false;
                }
            }
        }

        return true;
    }
}

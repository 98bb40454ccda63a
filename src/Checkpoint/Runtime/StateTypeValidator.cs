using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Serialization;
using Checkpoint.Channels;
using Checkpoint.Serialization;
using MessagePack;

namespace Checkpoint.Runtime;

/// <summary>
/// Refuses, at <c>Compile</c>, state members that MessagePack cannot store faithfully: a value
/// declared as <c>object</c> (stored without its type, read back as a dictionary or list), a
/// delegate, or an interface or abstract class without <c>[Union]</c> attributes (the stored bytes
/// could not say which implementation to rebuild). Walks every type reachable from each channel:
/// collection items, dictionary keys and values, and the serialized members of user types.
/// </summary>
internal static class StateTypeValidator
{
    private const string UnionAdvice =
        "Declare a concrete type, or an interface or abstract base class marked with MessagePack [Union] attributes, one per implementation: [Union(0, typeof(Implementation))].";

    // Collection interfaces MessagePack reads back as a concrete collection; only their items need checking.
    private static readonly HashSet<Type> CollectionInterfaces =
    [
        typeof(IEnumerable<>), typeof(ICollection<>), typeof(IList<>), typeof(IReadOnlyCollection<>), typeof(IReadOnlyList<>),
        typeof(IDictionary<,>), typeof(IReadOnlyDictionary<,>), typeof(ISet<>), typeof(IReadOnlySet<>), typeof(ILookup<,>), typeof(IGrouping<,>),
        typeof(IImmutableList<>), typeof(IImmutableDictionary<,>), typeof(IImmutableSet<>), typeof(IImmutableQueue<>), typeof(IImmutableStack<>),
    ];

    /// <param name="schema">The channels.</param>
    /// <param name="hasOwnFormatter">True for a type the user's formatters or resolvers serialize (SerializerOptions.Formatters, Resolvers): not walked.</param>
    public static void Validate<TState>(StateSchema<TState> schema, Func<Type, bool>? hasOwnFormatter = null)
        where TState : class, new()
    {
        foreach (var channel in schema.Channels)
        {
            var path = new List<string> { channel.Name };
            if (Problem(channel.ValueType, path, new Walk(hasOwnFormatter ?? (_ => false))) is { } problem)
            {
                throw new GraphValidationException(
                    $"State property '{channel.Name}' of {typeof(TState).Name} cannot be stored faithfully: {string.Join(" → ", path)} {problem}");
            }
        }
    }

    /// <summary>What is wrong with <paramref name="type"/>, or null; <paramref name="path"/> ends where the problem is.</summary>
    private static string? Problem(Type type, List<string> path, Walk seen)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (!seen.Add(type) || type.IsPrimitive || type.IsEnum || type == typeof(string) || seen.HasOwnFormatter(type))
        {
            return null; // seen, a leaf, or stored by the user's own formatter however it likes
        }

        if (type == typeof(object))
        {
            return "holds a value declared as object, which MessagePack stores without its type, so a reload returns a different type " +
                "(e.g. a Dictionary<object, object> in place of a record). " + UnionAdvice;
        }

        if (typeof(Delegate).IsAssignableFrom(type))
        {
            return $"holds a delegate ({Name(type)}), which cannot be stored. Keep functions out of the state (in the node, or a service it calls) and store the data they need instead.";
        }

        if (type.IsArray)
        {
            return Within(type.GetElementType()!, $"item of {Name(type)}", path, seen);
        }

        if (typeof(IEnumerable).IsAssignableFrom(type) && !type.GetInterfaces().Append(type).Any(IsGenericEnumerable))
        {
            return Within(typeof(object), $"item of {Name(type)}", path, seen); // ArrayList, IList, Hashtable: items are objects
        }

        if (type.GetCustomAttribute<MessagePackFormatterAttribute>() is not null)
        {
            return null; // the type brings its own formatter
        }

        if (AIJsonTypes.Stores(type))
        {
            return null; // ChatMessage and its kin: stored as their JSON (AIJsonFormatter)
        }

        if (type.IsGenericType && CollectionInterfaces.Contains(type.GetGenericTypeDefinition()))
        {
            return Arguments(type, path, seen);
        }

        if (type.IsInterface || type.IsAbstract)
        {
            var unions = type.GetCustomAttributes<UnionAttribute>(inherit: false).ToList();
            if (unions.Count == 0)
            {
                return $"holds a value declared as {(type.IsInterface ? "interface" : "abstract class")} {Name(type)} without [Union] attributes, " +
                    "so the stored bytes could not say which implementation to rebuild. " + UnionAdvice;
            }

            return unions.Select(union => Within(union.SubType, $"[Union] {Name(union.SubType)}", path, seen)).FirstOrDefault(p => p is not null);
        }

        if (type.Namespace is { } ns && (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal)))
        {
            return Arguments(type, path, seen); // framework types: only what they hold is the user's
        }

        return SerializedMembers(type)
            .Select(member => Within(member.Type, $"{Name(type)}.{member.Name}", path, seen))
            .FirstOrDefault(p => p is not null);
    }

    private static bool IsGenericEnumerable(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>);

    private static string? Arguments(Type type, List<string> path, Walk seen) =>
        type.GetGenericArguments()
            .Select((argument, i) => Within(argument, $"{ArgumentRole(type, i)} of {Name(type)}", path, seen))
            .FirstOrDefault(p => p is not null);

    /// <summary>Checks <paramref name="type"/> one step further down <paramref name="path"/>, keeping the step only when it leads to a problem.</summary>
    private static string? Within(Type type, string step, List<string> path, Walk seen)
    {
        path.Add(step);
        var problem = Problem(type, path, seen);
        if (problem is null)
        {
            path.RemoveAt(path.Count - 1);
        }

        return problem;
    }

    private static string ArgumentRole(Type type, int index) =>
        type.GetGenericArguments().Length == 2 && type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() is var d
            && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>)))
            ? (index == 0 ? "key" : "value")
            : type.GetGenericArguments().Length == 1 ? "item" : $"type argument {index + 1}";

    /// <summary>The members MessagePack's contractless resolver stores: public instance properties and fields, minus ignored ones.</summary>
    private static IEnumerable<(string Name, Type Type)> SerializedMembers(Type type)
    {
        const BindingFlags Public = BindingFlags.Public | BindingFlags.Instance;
        var keyed = type.GetCustomAttribute<MessagePackObjectAttribute>() is { KeyAsPropertyName: false };
        var properties = type.GetProperties(Public)
            .Where(p => p.GetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .Select(p => (Member: (MemberInfo)p, p.PropertyType));
        var fields = type.GetFields(Public).Select(f => (Member: (MemberInfo)f, PropertyType: f.FieldType));
        return properties.Concat(fields)
            .Where(m => m.Member.GetCustomAttribute<IgnoreMemberAttribute>() is null && m.Member.GetCustomAttribute<IgnoreDataMemberAttribute>() is null)
            .Where(m => !keyed || m.Member.GetCustomAttribute<KeyAttribute>() is not null)
            .Select(m => (m.Member.Name, m.PropertyType));
    }

    /// <summary>The types walked so far, and which ones the user's formatters take care of.</summary>
    private sealed class Walk(Func<Type, bool> hasOwnFormatter)
    {
        private readonly HashSet<Type> _seen = [];

        public bool Add(Type type) => _seen.Add(type);

        public bool HasOwnFormatter(Type type) => hasOwnFormatter(type);
    }

    /// <summary>A C#-like type name: <c>Dictionary&lt;string, object&gt;</c>, <c>Func&lt;int, int&gt;</c>.</summary>
    private static string Name(Type type)
    {
        if (type == typeof(object))
        {
            return "object";
        }

        if (type == typeof(string))
        {
            return "string";
        }

        if (type == typeof(int))
        {
            return "int";
        }

        if (type.IsArray)
        {
            return $"{Name(type.GetElementType()!)}[]";
        }

        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
    }
}

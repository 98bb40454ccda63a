using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using MessagePack;

namespace Checkpoint.Schema;

/// <summary>
/// Applies <see cref="FormerNameAttribute"/>s of the types a stored value is bound to: walks the
/// <see cref="StoredValue"/> tree along the type (object members, collection items, dictionary
/// values, <c>[Union]</c> cases) and renames an old map key to the property's name when the map has
/// the old key and not the new one.
/// </summary>
internal static class FormerNames
{
    private static readonly ConcurrentDictionary<Type, bool> Reaches = new();

    /// <summary>True when some type reachable from <paramref name="type"/> has a property with a former name.</summary>
    public static bool Apply(Type type) => Reaches.GetOrAdd(type, t => Reach(t, []));

    /// <summary>Renames old keys in <paramref name="value"/>, bound to <paramref name="type"/>.</summary>
    public static void Rename(StoredValue value, Type type)
    {
        if (!Apply(type))
        {
            return;
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        switch (value.Kind)
        {
            case StoredValueKind.Array when ItemType(type) is { } item:
                foreach (var element in value.Items)
                {
                    Rename(element, item);
                }

                break;
            case StoredValueKind.Array when (type.IsInterface || type.IsAbstract) && value.Items is [{ Kind: StoredValueKind.WholeNumber } key, var inner]:
                var union = type.GetCustomAttributes<UnionAttribute>(inherit: false).FirstOrDefault(u => u.Key == key.AsInt64());
                if (union is not null)
                {
                    Rename(inner, union.SubType);
                }

                break;
            case StoredValueKind.Map when DictionaryValueType(type) is { } dictionaryValue:
                foreach (var name in value.PropertyNames.ToList())
                {
                    Rename(value.GetProperty(name)!, dictionaryValue);
                }

                break;
            case StoredValueKind.Map:
                foreach (var (name, memberType, formerNames) in Members(type))
                {
                    foreach (var former in formerNames)
                    {
                        value.RenameProperty(former, name);
                    }

                    if (value.GetProperty(name) is { } member)
                    {
                        Rename(member, memberType);
                    }
                }

                break;
        }
    }

    private static bool Reach(Type type, HashSet<Type> seen)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (!seen.Add(type) || type.IsPrimitive || type.IsEnum || type == typeof(string))
        {
            return false;
        }

        if (ItemType(type) is { } item)
        {
            return Reach(item, seen);
        }

        if (DictionaryValueType(type) is { } value)
        {
            return Reach(value, seen);
        }

        if (type.IsInterface || type.IsAbstract)
        {
            return type.GetCustomAttributes<UnionAttribute>(inherit: false).Any(u => Reach(u.SubType, seen));
        }

        if (type.Namespace is { } ns && (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal)))
        {
            return type.GetGenericArguments().Any(a => Reach(a, seen));
        }

        return Members(type).Any(m => m.FormerNames.Length > 0 || Reach(m.Type, seen));
    }

    /// <summary>The members the contractless resolver stores, by their stored key, with their former names.</summary>
    private static IEnumerable<(string Name, Type Type, string[] FormerNames)> Members(Type type)
    {
        const BindingFlags Public = BindingFlags.Public | BindingFlags.Instance;
        var members = type.GetProperties(Public).Where(p => p.GetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .Select(p => (Member: (MemberInfo)p, Type: p.PropertyType))
            .Concat(type.GetFields(Public).Select(f => (Member: (MemberInfo)f, Type: f.FieldType)));
        foreach (var (member, memberType) in members)
        {
            if (member.GetCustomAttribute<IgnoreMemberAttribute>() is not null)
            {
                continue;
            }

            var name = member.GetCustomAttribute<KeyAttribute>()?.StringKey ?? member.Name;
            yield return (name, memberType, [.. member.GetCustomAttributes<FormerNameAttribute>().Select(a => a.Name)]);
        }
    }

    private static Type? ItemType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type == typeof(string) || DictionaryValueType(type) is not null || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        return type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }

    private static Type? DictionaryValueType(Type type) =>
        type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(IDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)))
            ?.GetGenericArguments()[1];
}

using Checkpoint.Schema;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using System.Collections.Immutable;
using System.Reflection;

namespace Checkpoint.Channels;

/// <summary>The channels of a state type: one per public read/write instance property.</summary>
internal sealed class StateSchema<TState>
    where TState : class, new()
{
    private readonly Dictionary<string, Channel> _byName;

    // Former names of channels (FormerNameAttribute on a state property) → the channel.
    private readonly Dictionary<string, Channel> _byFormerName = new(StringComparer.Ordinal);

    public StateSchema(IReadOnlyDictionary<string, Func<object?, object?, object?>> customReducers, StateMigrations? migrations = null)
    {
        var channels = new List<Channel>();
        foreach (var property in typeof(TState).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetMethod is null || property.SetMethod is null || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            channels.Add(customReducers.TryGetValue(property.Name, out var reducer)
                ? new CustomChannel(property, reducer)
                : CreateChannel(property));
        }

        foreach (var name in customReducers.Keys.Where(name => channels.All(c => c.Name != name)))
        {
            throw new GraphValidationException($"A reducer was given for '{name}', which is not a read/write property of {typeof(TState).Name}.");
        }

        Channels = channels;
        _byName = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
        Defaults = new TState();
        Version = typeof(TState).GetCustomAttribute<StateVersionAttribute>()?.Version ?? 0;
        foreach (var channel in channels)
        {
            foreach (var former in typeof(TState).GetProperty(channel.Name)!.GetCustomAttributes<FormerNameAttribute>())
            {
                if (_byName.ContainsKey(former.Name) || !_byFormerName.TryAdd(former.Name, channel))
                {
                    throw new GraphValidationException($"[FormerName(\"{former.Name}\")] on {typeof(TState).Name}.{channel.Name}: '{former.Name}' is already the name or a former name of another property.");
                }
            }
        }

        ValidateMigrations(migrations);
        Migrator = new StateMigrator(typeof(TState), Version, migrations);
    }

    /// <summary>The schema version of the state type (<see cref="StateVersionAttribute"/>; 0 without it).</summary>
    public ushort Version { get; }

    /// <summary>Reads stored values, upcasting those of older versions.</summary>
    public StateMigrator Migrator { get; }

    /// <summary>The channel stored as <paramref name="storedName"/>: its current name or a former one; null for a removed property.</summary>
    public Channel? Find(string storedName) =>
        _byName.TryGetValue(storedName, out var channel) || _byFormerName.TryGetValue(storedName, out channel) ? channel : null;

    /// <summary>
    /// The refs of a stored checkpoint keyed by current channel names: a channel stored under a former
    /// name is renamed, unless the checkpoint also has it under its current name (that one wins).
    /// </summary>
    public IReadOnlyDictionary<string, ChannelValueRef> WithCurrentNames(IReadOnlyDictionary<string, ChannelValueRef> refs)
    {
        if (_byFormerName.Count == 0 || !refs.Keys.Any(_byFormerName.ContainsKey))
        {
            return refs;
        }

        var renamed = new Dictionary<string, ChannelValueRef>(refs.Count, StringComparer.Ordinal);
        foreach (var (name, stored) in refs.Where(r => !_byFormerName.ContainsKey(r.Key)))
        {
            renamed[name] = stored;
        }

        foreach (var (name, stored) in refs.Where(r => _byFormerName.ContainsKey(r.Key)))
        {
            renamed.TryAdd(_byFormerName[name].Name, stored);
        }

        return renamed;
    }

    public IReadOnlyList<Channel> Channels { get; }

    /// <summary>A state with every property at its default, for reading defaults.</summary>
    public TState Defaults { get; }

    public Channel this[string name] => _byName.TryGetValue(name, out var channel)
        ? channel
        : throw new InvalidUpdateException($"'{name}' is not a channel of {typeof(TState).Name}; channels are: {string.Join(", ", _byName.Keys)}.");

    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>
    /// A new state object holding copies of <paramref name="values"/> (missing channels keep their
    /// defaults). Every state handed to a node, a router or a caller is made here, so none of them
    /// can change the values the engine keeps: immutable values are shared, others copied
    /// (<see cref="Channel.Copy"/>).
    /// </summary>
    public TState Materialize(IReadOnlyDictionary<string, object?> values, CheckpointSerializer serializer)
    {
        var state = new TState();
        foreach (var channel in Channels)
        {
            if (values.TryGetValue(channel.Name, out var value))
            {
                channel.Set(state, channel.Copy(value, serializer));
            }
        }

        return state;
    }

    /// <summary>The default value of every channel, copied so that no run can change the defaults another run starts from.</summary>
    public Dictionary<string, object?> DefaultValues(CheckpointSerializer serializer) =>
        Channels.ToDictionary(c => c.Name, c => c.Copy(c.Get(Defaults), serializer));

    private void ValidateMigrations(StateMigrations? migrations)
    {
        if (migrations is null)
        {
            return;
        }

        foreach (var property in migrations.Properties.Where(p => !_byName.ContainsKey(p)))
        {
            throw new GraphValidationException(
                $"StateMigrations name '{property}', which is not a property of {typeof(TState).Name} (upcasters name properties as the current code does).");
        }

        foreach (var version in migrations.Versions.Where(v => v >= Version))
        {
            throw new GraphValidationException(
                $"StateMigrations.From({version}) upgrades values of version {version}, but {typeof(TState).Name} declares version {Version} ([StateVersion]): " +
                "a step goes from an older version to the next.");
        }
    }

    private static Channel CreateChannel(PropertyInfo property)
    {
        if (property.GetCustomAttribute<AppendAttribute>() is not null)
        {
            var item = ListItemType(property.PropertyType)
                ?? throw new GraphValidationException($"[Append] property '{property.Name}' must be a list type (T[], List<T>, IReadOnlyList<T>, ImmutableList<T> ...), not {property.PropertyType.Name}.");
            return (Channel)Activator.CreateInstance(typeof(AppendChannel<>).MakeGenericType(item), property)!;
        }

        if (property.GetCustomAttribute<MergeByKeyAttribute>() is not null)
        {
            var entry = DictionaryTypes(property.PropertyType)
                ?? throw new GraphValidationException($"[MergeByKey] property '{property.Name}' must be a dictionary type, not {property.PropertyType.Name}.");
            return (Channel)Activator.CreateInstance(typeof(MergeByKeyChannel<,>).MakeGenericType(entry.Key, entry.Value), property)!;
        }

        return new LastValueChannel(property);
    }

    private static Type? ListItemType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        Type[] supported = [typeof(List<>), typeof(IReadOnlyList<>), typeof(IList<>), typeof(IEnumerable<>), typeof(IReadOnlyCollection<>), typeof(ICollection<>), typeof(ImmutableList<>)];
        return supported.Contains(definition) ? type.GetGenericArguments()[0] : null;
    }

    private static KeyValuePair<Type, Type>? DictionaryTypes(Type type)
    {
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        Type[] supported = [typeof(Dictionary<,>), typeof(IDictionary<,>), typeof(IReadOnlyDictionary<,>), typeof(ImmutableDictionary<,>)];
        var arguments = type.GetGenericArguments();
        return supported.Contains(definition) ? new(arguments[0], arguments[1]) : null;
    }
}

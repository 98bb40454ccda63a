namespace Checkpoint.Memory;

/// <summary>Gives graph nodes a memory store: <c>options.WithMemory(store)</c> at compile time, <c>context.Memory()</c> in a node.</summary>
public static class MemoryServices
{
    /// <summary>
    /// A copy of <paramref name="options"/> whose <see cref="CompileOptions.Services"/> also hold
    /// <paramref name="store"/> (as <see cref="MemoryStore"/> and its own type); other services are kept.
    /// </summary>
    public static CompileOptions WithMemory(this CompileOptions options, MemoryStore store)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        return options with { Services = new StoreServiceProvider(store, options.Services) };
    }

    /// <summary>The memory store the graph was compiled with; throws naming <see cref="WithMemory"/> when there is none.</summary>
    public static MemoryStore Memory(this NodeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetService<MemoryStore>() ?? throw new InvalidOperationException(
            $"Node '{context.Node}' asked for the memory store, but the graph was compiled without one: " +
            "pass new CompileOptions().WithMemory(store) (or a service provider holding a MemoryStore) to Compile.");
    }

    private sealed class StoreServiceProvider(MemoryStore store, IServiceProvider? inner) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType.IsInstanceOfType(store) ? store : inner?.GetService(serviceType);
    }
}

namespace Checkpoint;

/// <summary>
/// Caches a pure node's result (<see cref="NodeOptions.Cache"/>): a task whose node already ran on the same input state
/// takes the update that run returned from <see cref="CompileOptions.NodeCache"/> instead of running. The key is a hash
/// of the node's name and its whole input state (its MessagePack form; a keyed hash when the serializer encrypts), and
/// the cached update is stored like a pending write (enveloped, encrypted with the serializer's key). Only for nodes
/// whose update depends on nothing but the state: a cached node does not run, so it sends no events and raises no interrupt.
/// </summary>
public sealed record CachePolicy
{
    /// <summary>How long an entry serves; null: until the cache drops it.</summary>
    public TimeSpan? TimeToLive { get; init; }
}

namespace Checkpoint;

/// <summary>
/// Where cached node results live (<see cref="CompileOptions.NodeCache"/>): opaque keys to opaque bytes. Implement it on
/// any key-value store; <see cref="Storage.InMemoryNodeCache"/> keeps entries in process memory.
/// </summary>
public interface INodeCache
{
    /// <summary>The bytes stored under <paramref name="key"/>, or null when there are none or they expired.</summary>
    ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/> for <paramref name="timeToLive"/> (null: no expiry).</summary>
    ValueTask SetAsync(string key, byte[] value, TimeSpan? timeToLive, CancellationToken cancellationToken = default);
}

using Checkpoint.Serialization;

namespace Checkpoint;

/// <summary>A pause waiting for outside input: raised by a node, or before/after a named node.</summary>
/// <param name="Id">Stable id of the interrupt.</param>
/// <param name="Node">The node it belongs to.</param>
/// <param name="Kind">Dynamic (<c>ctx.Interrupt</c>), or static before/after a node.</param>
/// <param name="StoredValue">The serialized value given to <c>Interrupt</c> (empty for static interrupts).</param>
public sealed record Interrupt(string Id, string Node, InterruptKind Kind, byte[] StoredValue)
{
    /// <summary>The interrupt's value read as <typeparamref name="T"/>.</summary>
    public T? GetValue<T>() =>
        StoredValue.Length == 0 ? default : CheckpointSerializer.Default.Deserialize<T>(StoredValue, new BlobLocation(null, null, "__interrupt__"));
}

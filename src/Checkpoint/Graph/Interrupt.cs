using Checkpoint.Serialization;

namespace Checkpoint;

/// <summary>A pause waiting for outside input: raised by a node, or before/after a named node.</summary>
/// <param name="Id">Stable id of the interrupt.</param>
/// <param name="Node">The node it belongs to.</param>
/// <param name="Kind">Dynamic (<c>ctx.Interrupt</c>), or static before/after a node.</param>
/// <param name="Payload">
/// The MessagePack bytes of the value given to <c>Interrupt</c>, already decrypted and out of their
/// envelope (empty for static interrupts); read it with <see cref="GetValue{T}"/>.
/// </param>
public sealed record Interrupt(string Id, string Node, InterruptKind Kind, byte[] Payload)
{
    /// <summary>The thread and checkpoint the interrupt was read from, named in errors about its value.</summary>
    public BlobLocation Location { get; init; }

    /// <summary>The serializer (the saver's: its limits) that reads the value; the default when not set.</summary>
    internal CheckpointSerializer? Reader { get; init; }

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Field(nameof(Id), Id).Field(nameof(Node), Node).Field(nameof(Kind), Kind).Field(nameof(Payload), $"{Payload.Length} bytes");
        return true;
    }

    /// <summary>The interrupt's value read as <typeparamref name="T"/>.</summary>
    public T? GetValue<T>() =>
        Payload.Length == 0
            ? default
            : (Reader ?? CheckpointSerializer.Default).FromPayload<T>(Payload, Location with { Channel = Location.Channel ?? "__interrupt__" });
}

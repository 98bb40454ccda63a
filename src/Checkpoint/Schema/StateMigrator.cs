using Checkpoint.Serialization;

namespace Checkpoint.Schema;

/// <summary>
/// Reads a stored channel value of a state type: as it is when it was written at the code's version
/// and no <see cref="FormerNameAttribute"/> applies (the common case costs nothing more), otherwise
/// through a <see cref="StoredValue"/> tree: the registered upcasters from its version to the code's,
/// then the former-name renames along the type, then binding.
/// </summary>
internal sealed class StateMigrator(Type stateType, ushort version, StateMigrations? migrations)
{
    /// <summary>The version the code declares.</summary>
    public ushort Version => version;

    /// <summary>
    /// The value of <paramref name="payload"/>, stored at <paramref name="storedVersion"/>, as a
    /// <paramref name="type"/>. With <paramref name="items"/>, the payload is an array of list items
    /// and the upcasters apply to each.
    /// </summary>
    /// <exception cref="StateVersionException">The version is newer than the code's, a step is missing, an upcaster failed, or binding failed after upcasting.</exception>
    public object? Read(CheckpointSerializer serializer, Type type, ReadOnlyMemory<byte> payload, ushort storedVersion, string channel, bool items, BlobLocation location)
    {
        if (storedVersion > version)
        {
            throw Error(location, storedVersion,
                $"the value was written by a newer version of the state type; this code declares version {version} " +
                $"([StateVersion]) and cannot know what changed since. Run code that declares version {storedVersion} or later.");
        }

        if (storedVersion == version && !FormerNames.Apply(type))
        {
            return serializer.FromPayload(type, payload, location);
        }

        for (var step = storedVersion; step < version; step++)
        {
            if (migrations?.HasStep(step) != true)
            {
                throw Error(location, storedVersion,
                    $"no upcaster step from version {step} to {step + 1}: register StateMigrations.From({step}, ...) in CompileOptions.Migrations " +
                    $"(From({step}) alone when nothing stored changed).");
            }
        }

        serializer.CheckReadable(payload.Span, location); // the tree is built only from well-formed bytes within the limits
        var tree = StoredValue.Read(payload);
        for (var step = storedVersion; step < version; step++)
        {
            foreach (var upcast in migrations!.Upcasters(step, channel))
            {
                try
                {
                    tree = items ? tree.MapItems(upcast) : upcast(tree) ?? StoredValue.Nil;
                }
                catch (Exception ex)
                {
                    throw Error(location, storedVersion, $"the upcaster from version {step} to {step + 1} failed: {ex.Message}", ex);
                }
            }
        }

        FormerNames.Rename(tree, type);
        try
        {
            return serializer.FromPayload(type, tree.ToBytes(), location);
        }
        catch (IncompatibleCheckpointException ex) when (storedVersion != version)
        {
            throw Error(location, storedVersion, $"after the upcasters from version {storedVersion} the value still cannot be read: {ex.Message}", ex);
        }
    }

    private StateVersionException Error(BlobLocation location, ushort storedVersion, string problem, Exception? inner = null) =>
        new(location, stateType, storedVersion, version, problem, inner);
}

using Checkpoint.Serialization;

namespace Checkpoint.Schema;

/// <summary>
/// A stored value's schema version does not fit the code: it was written by a newer version of the
/// state type than the code declares, or it is older and has no upcaster step to the current
/// version, or it could not be bound to the current type after its upcasters ran. The message
/// names the state type, the channel and both versions.
/// </summary>
public sealed class StateVersionException : IncompatibleCheckpointException
{
    /// <summary>Creates the exception.</summary>
    public StateVersionException(BlobLocation location, Type stateType, ushort storedVersion, ushort codeVersion, string problem, Exception? innerException = null)
        : base(location, $"{Serialization.TypeNames.Of(stateType)}.{location.Channel} stored at schema version {storedVersion}, code version {codeVersion}: {problem}", innerException)
    {
        StateType = stateType;
        StoredVersion = storedVersion;
        CodeVersion = codeVersion;
    }

    /// <summary>The state type.</summary>
    public Type StateType { get; }

    /// <summary>The schema version the value was stored with.</summary>
    public ushort StoredVersion { get; }

    /// <summary>The version the code declares (<see cref="StateVersionAttribute"/>).</summary>
    public ushort CodeVersion { get; }
}

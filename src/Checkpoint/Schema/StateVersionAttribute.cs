namespace Checkpoint;

/// <summary>
/// The schema version of a state type: every value the engine stores for it (each channel's value,
/// list chunks, pending writes) carries this number, and older values are brought up to it by the
/// steps registered in <see cref="CompileOptions.Migrations"/> before they are bound to the type.
/// A state type without the attribute is version 0. Raise it when stored data needs an upcaster
/// (a changed shape); an added, removed or widened property, or a rename declared with
/// <see cref="FormerNameAttribute"/>, needs no new version.
/// </summary>
/// <param name="version">The version of the state type as the code declares it.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StateVersionAttribute(ushort version) : Attribute
{
    /// <summary>The version of the state type.</summary>
    public ushort Version { get; } = version;
}

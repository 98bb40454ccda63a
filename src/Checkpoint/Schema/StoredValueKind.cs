namespace Checkpoint.Schema;

/// <summary>The MessagePack type of a <see cref="StoredValue"/>.</summary>
public enum StoredValueKind
{
    /// <summary>Nil (null).</summary>
    Nil,

    /// <summary>True or false.</summary>
    Boolean,

    /// <summary>A signed or unsigned integer (enums are stored as integers).</summary>
    WholeNumber,

    /// <summary>A 32 or 64 bit floating-point number.</summary>
    RealNumber,

    /// <summary>A string.</summary>
    Text,

    /// <summary>A byte array.</summary>
    Bytes,

    /// <summary>An array: a list, a set, an array, or a <c>[Union]</c> value ([case, value]).</summary>
    Array,

    /// <summary>A map: an object (keys are property names) or a dictionary.</summary>
    Map,

    /// <summary>A MessagePack extension (a timestamp, or a formatter's own type), kept as its raw bytes.</summary>
    Extension,
}

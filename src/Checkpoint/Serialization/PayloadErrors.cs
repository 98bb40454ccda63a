using MessagePack;

namespace Checkpoint.Serialization;

/// <summary>
/// Tells why MessagePack bytes could not be read as the expected type: damaged bytes
/// (<see cref="CorruptCheckpointException"/>) or intact bytes of another shape
/// (<see cref="IncompatibleCheckpointException"/>).
/// </summary>
/// <remarks>
/// The bytes themselves decide, not the exception MessagePack threw: a formatter reports a cut
/// stream and a value of another type with the same exception type and wording that varies by
/// formatter, while "is this one complete, well-formed MessagePack value with nothing after it" has
/// a single answer. A well-formed value that still failed is the wrong shape (or over a limit, such
/// as the nesting depth): the data is fine and other code or options would read it.
/// </remarks>
internal static class PayloadErrors
{
    /// <summary>
    /// The exception for <paramref name="error"/>, raised reading <paramref name="payload"/> as
    /// <paramref name="expected"/> after <see cref="PayloadScanner"/> found the bytes to be one
    /// well-formed value within the limits: the data is intact, its shape is not what the code asks for.
    /// </summary>
    public static IncompatibleCheckpointException WrongShape(Type expected, ReadOnlyMemory<byte> payload, BlobLocation location, MessagePackSerializationException error) =>
        new(
            location,
            $"the stored value is {Describe(payload)} that cannot be read as {TypeNames.Of(expected)} ({Reasons(error)}). " +
            "The data is intact: the type in the code changed since it was written, or the value is over a serializer limit.",
            error);

    /// <summary>What the top-level value of well-formed MessagePack bytes is, for messages ("a map", "a string", ...).</summary>
    public static string Describe(ReadOnlyMemory<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return "empty";
        }

        return new MessagePackReader(payload).NextMessagePackType switch
        {
            MessagePackType.Integer => "an integer",
            MessagePackType.Nil => "nil",
            MessagePackType.Boolean => "a boolean",
            MessagePackType.Float => "a floating-point number",
            MessagePackType.String => "a string",
            MessagePackType.Binary => "a byte array",
            MessagePackType.Array => "an array",
            MessagePackType.Map => "a map (an object)",
            MessagePackType.Extension => "a MessagePack extension value",
            _ => "an unknown MessagePack value",
        };
    }

    /// <summary>The messages of the exception chain, outermost first, without repeats.</summary>
    private static string Reasons(Exception error)
    {
        var messages = new List<string>();
        for (var current = error; current is not null; current = current.InnerException)
        {
            if (!messages.Contains(current.Message))
            {
                messages.Add(current.Message);
            }
        }

        return string.Join(" ", messages);
    }
}

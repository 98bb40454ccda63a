namespace Checkpoint.Serialization;

/// <summary>
/// A value could not be written because it is over a limit of <see cref="SerializerOptions"/>:
/// nested deeper than <see cref="SerializerOptions.MaxDepth"/> (a value that contains itself, a
/// cycle, always is) or larger than <see cref="SerializerOptions.MaxValueBytes"/> once serialized.
/// Nothing of the value was stored: the thread's last checkpoint is unchanged and still readable.
/// </summary>
public sealed class CheckpointLimitExceededException : Exception
{
    /// <summary>Creates the exception for a value bound for <paramref name="location"/>.</summary>
    /// <param name="location">Where the value was going (the channel, and the thread when known).</param>
    /// <param name="limit">The name of the option exceeded: <c>MaxDepth</c> or <c>MaxValueBytes</c>.</param>
    /// <param name="problem">What exceeded it.</param>
    /// <param name="innerException">The serializer's error, if any.</param>
    public CheckpointLimitExceededException(BlobLocation location, string limit, string problem, Exception? innerException = null)
        : base($"Cannot write the value of channel '{location.Channel ?? "?"}' (thread '{location.ThreadId ?? "?"}'): {problem} " +
            $"Raise SerializerOptions.{limit} (readers need the same limit) or store less.", innerException)
    {
        Location = location;
        Limit = limit;
        _problem = problem;
    }

    private readonly string _problem;

    /// <summary>Where the value was going.</summary>
    public BlobLocation Location { get; }

    /// <summary>The name of the <see cref="SerializerOptions"/> property exceeded: <c>MaxDepth</c> or <c>MaxValueBytes</c>.</summary>
    public string Limit { get; }

    /// <summary>The channel of the value, when known.</summary>
    public string? Channel => Location.Channel;

    /// <summary>The thread of the value, when known.</summary>
    public string? ThreadId => Location.ThreadId;

    /// <summary>The same refusal, naming the thread it happened in.</summary>
    internal CheckpointLimitExceededException InThread(string threadId) =>
        ThreadId is null ? new(Location with { ThreadId = threadId }, Limit, _problem, InnerException) : this;
}

namespace Checkpoint.Storage;

/// <summary>
/// One persisted checkpoint: everything a saver stores about a superstep boundary except the
/// large channel values, which live in blob chunks referenced from <see cref="Channels"/>.
/// </summary>
public sealed record CheckpointRecord
{
    /// <summary>Globally unique, time-ordered (UUIDv7) id; it alone finds the checkpoint.</summary>
    public required Guid Id { get; init; }

    /// <summary>The thread (conversation, run history) the checkpoint belongs to.</summary>
    public required string ThreadId { get; init; }

    /// <summary>Checkpoint namespace: empty for the root graph, a path for subgraphs.</summary>
    public string Namespace { get; init; } = "";

    /// <summary>The checkpoint this one follows, or null for the first of a thread.</summary>
    public Guid? ParentId { get; init; }

    /// <summary>Superstep number: -1 for the input checkpoint, then 0, 1, 2 ...</summary>
    public int Step { get; init; }

    /// <summary>What produced this checkpoint.</summary>
    public CheckpointSource Source { get; init; }

    /// <summary>When the checkpoint was created (from the graph's <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Every channel's current version and where its value is stored.</summary>
    public IReadOnlyDictionary<string, ChannelValueRef> Channels { get; init; } = EmptyChannels;

    /// <summary>Per node, the channel versions it had seen when it last ran.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> VersionsSeen { get; init; } = EmptySeen;

    /// <summary>The nodes that run in the next superstep (empty when the run has ended).</summary>
    public IReadOnlyList<string> NextNodes { get; init; } = [];

    /// <summary>
    /// The tasks with an argument of their own (<see cref="Send"/>) that run in the next superstep after
    /// those of <see cref="NextNodes"/>, in order; a task's id includes its index here.
    /// </summary>
    public IReadOnlyList<SendRecord> Sends { get; init; } = [];

    /// <summary>Interrupts raised at this checkpoint and not yet resumed.</summary>
    public IReadOnlyList<InterruptRecord> Interrupts { get; init; } = [];

    /// <summary>User metadata; savers can filter on it (exact match on every key given).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata;

    private static readonly IReadOnlyDictionary<string, ChannelValueRef> EmptyChannels = new Dictionary<string, ChannelValueRef>();
    private static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> EmptySeen = new Dictionary<string, IReadOnlyDictionary<string, long>>();
    private static readonly IReadOnlyDictionary<string, string> EmptyMetadata = new Dictionary<string, string>();
}

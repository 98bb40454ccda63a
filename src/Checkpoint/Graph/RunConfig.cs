namespace Checkpoint;

/// <summary>Which thread (and optionally which checkpoint) a call works on, and how a run behaves.</summary>
public sealed record RunConfig
{
    /// <summary>The thread: one conversation or run history.</summary>
    public required string ThreadId { get; init; }

    /// <summary>A specific checkpoint; null means the thread's latest.</summary>
    public Guid? CheckpointId { get; init; }

    /// <summary>Checkpoint namespace ("" for the root graph).</summary>
    public string Namespace { get; init; } = "";

    /// <summary>When checkpoints are written.</summary>
    public Durability Durability { get; init; } = Durability.Sync;

    /// <summary>The most supersteps one invocation may run before it fails.</summary>
    public int RecursionLimit { get; init; } = 100;

    /// <summary>Metadata added to every checkpoint the run writes (queryable in the history).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The metadata key under which <see cref="SubjectId"/> is stored in every checkpoint.</summary>
    public const string SubjectMetadataKey = "subject";

    /// <summary>
    /// The person (data subject) the thread belongs to: stored in every checkpoint the run writes as metadata
    /// <c>subject</c>, so <c>CheckpointSaver.EraseSubjectAsync</c> finds and erases the thread with the person's memories.
    /// </summary>
    public string? SubjectId { get; init; }

    /// <summary>The metadata a checkpoint of this run carries: <see cref="Metadata"/> plus the subject.</summary>
    internal IReadOnlyDictionary<string, string> CheckpointMetadata =>
        SubjectId is null
            ? Metadata ?? EmptyMetadata
            : new Dictionary<string, string>(Metadata ?? EmptyMetadata, StringComparer.Ordinal) { [SubjectMetadataKey] = SubjectId };

    private static readonly IReadOnlyDictionary<string, string> EmptyMetadata = new Dictionary<string, string>();

    /// <summary>A config for the latest checkpoint of <paramref name="threadId"/>.</summary>
    public static RunConfig ForThread(string threadId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(threadId);
        return new RunConfig { ThreadId = threadId };
    }

    /// <summary>This config pointing at a specific checkpoint.</summary>
    public RunConfig AtCheckpoint(Guid checkpointId) => this with { CheckpointId = checkpointId };
}

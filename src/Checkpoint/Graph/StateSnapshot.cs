using Checkpoint.Storage;

namespace Checkpoint;

/// <summary>The state of a thread at one checkpoint.</summary>
/// <typeparam name="TState">The graph's state type.</typeparam>
public sealed record StateSnapshot<TState>
{
    /// <summary>The channel values.</summary>
    public required TState Values { get; init; }

    /// <summary>The nodes that run next (one entry per <see cref="Send"/> after the next nodes); empty when the run has ended.</summary>
    public required IReadOnlyList<string> Next { get; init; }

    /// <summary>The config that points at this checkpoint.</summary>
    public required RunConfig Config { get; init; }

    /// <summary>The config of the parent checkpoint, or null for the first one.</summary>
    public RunConfig? ParentConfig { get; init; }

    /// <summary>The superstep number.</summary>
    public required int Step { get; init; }

    /// <summary>What produced the checkpoint.</summary>
    public required CheckpointSource Source { get; init; }

    /// <summary>User metadata of the checkpoint.</summary>
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    /// <summary>When the checkpoint was written.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The tasks of the next step, with their errors and interrupts.</summary>
    public required IReadOnlyList<PendingTask> Tasks { get; init; }

    /// <summary>Interrupts waiting for a resume value.</summary>
    public required IReadOnlyList<Interrupt> Interrupts { get; init; }

    /// <summary>The checkpoint id.</summary>
    public Guid CheckpointId => Config.CheckpointId ?? Guid.Empty;

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Field(nameof(Step), Step).Field(nameof(Source), Source).Field(nameof(CheckpointId), CheckpointId)
            .Field(nameof(Next), Printing.List(Next)).Field(nameof(Interrupts), Printing.List(Interrupts, Printing.Interrupt))
            .Field(nameof(Tasks), Tasks.Count).Field(nameof(CreatedAt), CreatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture))
            .Field(nameof(Values), Values);
        return true;
    }
}

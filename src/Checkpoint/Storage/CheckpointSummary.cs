namespace Checkpoint.Storage;

/// <summary>
/// What a retention policy looks at in a checkpoint: its place in the tree, its step, source, age,
/// interrupts and metadata (never its channel values).
/// </summary>
/// <param name="Id">The checkpoint id.</param>
/// <param name="Namespace">The checkpoint namespace (policies are evaluated per namespace).</param>
/// <param name="ParentId">The checkpoint it follows, or null.</param>
/// <param name="Step">Its superstep number.</param>
/// <param name="Source">What produced it.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="HasInterrupts">True when it has interrupts waiting for a resume.</param>
/// <param name="Metadata">Its user metadata.</param>
public sealed record CheckpointSummary(
    Guid Id,
    string Namespace,
    Guid? ParentId,
    int Step,
    CheckpointSource Source,
    DateTimeOffset CreatedAt,
    bool HasInterrupts,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The summary of a stored checkpoint.</summary>
    public static CheckpointSummary Of(CheckpointRecord checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new CheckpointSummary(
            checkpoint.Id, checkpoint.Namespace, checkpoint.ParentId, checkpoint.Step, checkpoint.Source,
            checkpoint.CreatedAt, checkpoint.Interrupts.Count > 0, checkpoint.Metadata);
    }
}

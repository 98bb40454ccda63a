using Checkpoint.DurableTask;

namespace Checkpoint.Examples.AzureFunctions;

/// <summary>What GET /runs/{threadId} and GET /checkpoints/{id} return.</summary>
public sealed record RunView(
    string ThreadId,
    Guid CheckpointId,
    int Step,
    IReadOnlyList<string> Next,
    ReviewState Values,
    IReadOnlyList<InterruptInfo> Interrupts,
    string? OrchestrationStatus)
{
    public static RunView From(StateSnapshot<ReviewState> snapshot, string? orchestrationStatus) =>
        new(snapshot.Config.ThreadId, snapshot.CheckpointId, snapshot.Step, snapshot.Next, snapshot.Values,
            snapshot.Interrupts.Select(i => InterruptInfo.From(i)).ToList(), orchestrationStatus);
}

using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Checkpoint.DurableTask;

/// <summary>Starts, resumes and waits for graph runs from a <see cref="DurableTaskClient"/>.</summary>
public static class DurableTaskClientExtensions
{
    /// <summary>
    /// Starts a run of <paramref name="graphName"/> on <paramref name="threadId"/>. With an input, the
    /// input checkpoint is written here (I/O belongs to the starter, not the orchestrator); without one,
    /// the run continues from the thread's latest checkpoint (e.g. after the worker that ran it died).
    /// Refuses to start while the thread's orchestration is still running. Returns the instance id.
    /// <paramref name="subjectId"/> (see <see cref="RunConfig.SubjectId"/>) marks the thread as the person's, for
    /// erasure; once set, every later checkpoint of the thread carries it.
    /// </summary>
    public static async Task<string> StartGraphRunAsync(
        this DurableTaskClient client, GraphRegistry graphs, string graphName, string threadId, object? input = null,
        string? subjectId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(graphs);
        var instanceId = GraphOrchestration.InstanceIdFor(threadId);
        var existing = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
        if (existing is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended })
        {
            throw new InvalidOperationException($"Thread '{threadId}' already has a running orchestration ({instanceId}); resume or wait for it.");
        }

        var steps = graphs.Steps(graphName);
        var config = RunConfig.ForThread(threadId) with { SubjectId = subjectId };
        var plan = input is null
            ? await steps.PlanAsync(config, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Thread '{threadId}' has no checkpoint to continue; pass an input to start a run.")
            : await steps.StartAsync(input, config, cancellationToken).ConfigureAwait(false);

        return await client.ScheduleNewOrchestrationInstanceAsync(
            GraphOrchestration.Name,
            new GraphOrchestrationInput(threadId, graphName, plan.CheckpointId),
            new StartOrchestrationOptions(instanceId),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resumes the thread's interrupted run: the interrupted node's <c>Interrupt</c> call returns <paramref name="value"/>.</summary>
    public static Task ResumeGraphRunAsync(this DurableTaskClient client, string threadId, object? value = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.RaiseEventAsync(GraphOrchestration.InstanceIdFor(threadId), GraphOrchestration.ResumeEventName, value, cancellationToken);
    }

    /// <summary>Waits until the thread's run completes, fails or is terminated (across ContinueAsNew generations).</summary>
    public static Task<OrchestrationMetadata> WaitForGraphRunAsync(this DurableTaskClient client, string threadId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.WaitForInstanceCompletionAsync(GraphOrchestration.InstanceIdFor(threadId), getInputsAndOutputs: true, cancellationToken);
    }

    /// <summary>The interrupts the thread's run waits on (its custom status), empty when it does not wait.</summary>
    public static async Task<IReadOnlyList<InterruptInfo>> GetGraphInterruptsAsync(this DurableTaskClient client, string threadId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var metadata = await client.GetInstanceAsync(GraphOrchestration.InstanceIdFor(threadId), getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        return metadata?.SerializedCustomStatus is null ? [] : metadata.ReadCustomStatusAs<List<InterruptInfo>>() ?? [];
    }
}

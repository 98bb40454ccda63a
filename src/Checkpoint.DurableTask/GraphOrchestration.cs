using System.Text.Json;
using Microsoft.DurableTask;

namespace Checkpoint.DurableTask;

/// <summary>
/// The orchestrator that runs a graph: plan, then per superstep a fan-out of one activity per node,
/// a fan-in, and a commit activity; ContinueAsNew every <see cref="DurableGraphOptions.ContinueAsNewEvery"/>
/// steps with only the checkpoint id. Deterministic: every read and write of state happens in the
/// activities, the orchestrator only sees ids, node names and interrupts.
/// </summary>
public static class GraphOrchestration
{
    /// <summary>The orchestrator's name.</summary>
    public const string Name = "CheckpointGraph";

    /// <summary>The plan activity (<see cref="GraphActivities.PlanAsync"/>).</summary>
    public const string PlanActivity = "CheckpointGraph_Plan";

    /// <summary>The run-task activity (<see cref="GraphActivities.RunTaskAsync"/>).</summary>
    public const string RunTaskActivity = "CheckpointGraph_RunTask";

    /// <summary>The commit activity (<see cref="GraphActivities.CommitAsync"/>).</summary>
    public const string CommitActivity = "CheckpointGraph_Commit";

    /// <summary>The resume activity (<see cref="GraphActivities.ResumeAsync"/>).</summary>
    public const string ResumeActivity = "CheckpointGraph_Resume";

    /// <summary>The external event that resumes an interrupted run; its payload is the resume value.</summary>
    public const string ResumeEventName = "resume";

    private const string LogCategory = "Checkpoint.DurableTask.GraphOrchestration";

    /// <summary>The orchestration instance id of a thread's run (one run per thread at a time).</summary>
    public static string InstanceIdFor(string threadId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(threadId);
        return "checkpoint-" + threadId;
    }

    /// <summary>
    /// Runs the graph from the input's checkpoint. Returns the result at the end of the graph, or
    /// null when the orchestration continued as new (the new generation returns the result).
    /// </summary>
    public static async Task<GraphRunResult?> RunAsync(TaskOrchestrationContext context, GraphOrchestrationInput input, DurableGraphOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        var log = context.CreateReplaySafeLogger(LogCategory);
        var retry = options.ActivityOptions();

        var plan = await context.CallActivityAsync<StepInfo?>(PlanActivity, new GraphActivityInput(input.GraphName, input.ThreadId, input.CheckpointId), retry)
            ?? throw new InvalidOperationException($"Thread '{input.ThreadId}' has no checkpoint to run; start it with an input.");
        var resumed = input.Resumed;
        var steps = 0;
        while (!plan.IsDone)
        {
            var request = new GraphActivityInput(input.GraphName, input.ThreadId, plan.CheckpointId);
            if (plan.Interrupts.Count > 0 && !resumed)
            {
                // Static interrupts (before/after a node), or dynamic ones left open by an earlier worker.
                await WaitForResumeAsync(context, request, plan.Interrupts, retry, log).ConfigureAwait(true);
            }

            var pending = plan.Tasks.Where(task => !task.Completed).Select(task => (task.Id, task.Node)).ToList();
            while (pending.Count > 0)
            {
                var results = await Task.WhenAll(pending.Select(task =>
                    context.CallActivityAsync<TaskInfo>(RunTaskActivity, request with { Node = task.Node, TaskId = task.Id }, retry))).ConfigureAwait(true);
                var interrupted = results.Where(r => r.Status == TaskRunStatus.Interrupted).ToList();
                if (interrupted.Count > 0)
                {
                    await WaitForResumeAsync(context, request, interrupted.SelectMany(r => r.Interrupts).ToList(), retry, log).ConfigureAwait(true);
                }

                pending = interrupted.Select(r => (r.TaskId, r.Node)).ToList(); // the resumed tasks run again from their start
            }

            plan = await context.CallActivityAsync<StepInfo>(CommitActivity, request, retry).ConfigureAwait(true);
            resumed = false;
            OrchestrationLog.StepCommitted(log, input.ThreadId, plan.Step, plan.CheckpointId);
            if (++steps >= options.ContinueAsNewEvery && !plan.IsDone)
            {
                OrchestrationLog.ContinuingAsNew(log, input.ThreadId, plan.CheckpointId, steps);
                context.ContinueAsNew(new GraphOrchestrationInput(input.ThreadId, input.GraphName, plan.CheckpointId));
                return null;
            }
        }

        OrchestrationLog.Completed(log, input.ThreadId, plan.Step, plan.CheckpointId);
        return new GraphRunResult(input.ThreadId, plan.CheckpointId, plan.Step);
    }

    private static async Task WaitForResumeAsync(
        TaskOrchestrationContext context, GraphActivityInput request, IReadOnlyList<InterruptInfo> interrupts, TaskOptions retry, Microsoft.Extensions.Logging.ILogger log)
    {
        OrchestrationLog.WaitingForResume(log, request.ThreadId, request.CheckpointId ?? Guid.Empty, interrupts.Count);
        context.SetCustomStatus(interrupts);
        // Nullable: an event raised without a payload carries no data at all.
        var value = await context.WaitForExternalEvent<JsonElement?>(ResumeEventName).ConfigureAwait(true);
        var json = value is { ValueKind: not JsonValueKind.Undefined } element ? element.GetRawText() : null;
        await context.CallActivityAsync(ResumeActivity, request with { ResumeValueJson = json }, retry).ConfigureAwait(true);
        context.SetCustomStatus(null);
    }
}

using Checkpoint.DurableTask;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Checkpoint.Examples.AzureFunctions;

/// <summary>The graph orchestrator and its activities: thin wrappers around Checkpoint.DurableTask.</summary>
public sealed class GraphFunctions(GraphRegistry graphs, GraphActivities activities)
{
    [Function(GraphOrchestration.Name)]
    public Task<GraphRunResult?> RunGraph([OrchestrationTrigger] TaskOrchestrationContext context) =>
        GraphOrchestration.RunAsync(context, context.GetInput<GraphOrchestrationInput>()!, graphs.Options);

    [Function(GraphOrchestration.PlanActivity)]
    public Task<StepInfo?> Plan([ActivityTrigger] GraphActivityInput input) => activities.PlanAsync(input);

    [Function(GraphOrchestration.RunTaskActivity)]
    public Task<TaskInfo> RunTask([ActivityTrigger] GraphActivityInput input) => activities.RunTaskAsync(input);

    [Function(GraphOrchestration.CommitActivity)]
    public Task<StepInfo> Commit([ActivityTrigger] GraphActivityInput input) => activities.CommitAsync(input);

    [Function(GraphOrchestration.ResumeActivity)]
    public Task Resume([ActivityTrigger] GraphActivityInput input) => activities.ResumeAsync(input);
}

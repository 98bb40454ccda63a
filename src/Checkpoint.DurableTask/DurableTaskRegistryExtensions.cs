using Microsoft.DurableTask;

namespace Checkpoint.DurableTask;

/// <summary>Registers the graph orchestrator and its activities on a Durable Task worker.</summary>
public static class DurableTaskRegistryExtensions
{
    /// <summary>Adds the <see cref="GraphOrchestration"/> orchestrator and its four activities for the graphs of <paramref name="graphs"/>.</summary>
    public static DurableTaskRegistry AddCheckpointGraphs(this DurableTaskRegistry registry, GraphRegistry graphs)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(graphs);
        var activities = new GraphActivities(graphs);
        registry.AddOrchestratorFunc<GraphOrchestrationInput, GraphRunResult?>(
            GraphOrchestration.Name, (context, input) => GraphOrchestration.RunAsync(context, input, graphs.Options));
        registry.AddActivityFunc<GraphActivityInput, StepInfo?>(GraphOrchestration.PlanActivity, (_, input) => activities.PlanAsync(input));
        registry.AddActivityFunc<GraphActivityInput, TaskInfo>(GraphOrchestration.RunTaskActivity, (_, input) => activities.RunTaskAsync(input));
        registry.AddActivityFunc<GraphActivityInput, StepInfo>(GraphOrchestration.CommitActivity, (_, input) => activities.CommitAsync(input));
        registry.AddActivityFunc<GraphActivityInput>(GraphOrchestration.ResumeActivity, (_, input) => activities.ResumeAsync(input));
        return registry;
    }
}

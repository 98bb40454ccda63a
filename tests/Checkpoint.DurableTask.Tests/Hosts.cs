using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;

namespace Checkpoint.DurableTask.Tests;

/// <summary>Starts in-process Durable Task hosts running the graphs of a registry, and waits on them with timeouts.</summary>
public static class Hosts
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>A new in-process host (its own in-memory backend) running the registry's graphs; <paramref name="meter"/> sees its work items.</summary>
    public static Task<DurableTaskTestHost> StartAsync(GraphRegistry graphs, HistoryMeter? meter = null) =>
        DurableTaskTestHost.StartAsync(
            registry => registry.AddCheckpointGraphs(graphs),
            new DurableTaskTestHostOptions
            {
                LoggerFactory = NullLoggerFactory.Instance,
                ConfigureServices = services =>
                {
                    if (meter is not null)
                    {
                        services.PostConfigureAll<GrpcDurableTaskWorkerOptions>(o => o.Interceptors.Add(meter));
                    }
                },
            });

    /// <summary>Waits for the thread's run to end; fails the test when it did not complete.</summary>
    public static async Task<GraphRunResult> CompletedAsync(DurableTaskClient client, string threadId)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var metadata = await client.WaitForGraphRunAsync(threadId, timeout.Token);
        Assert.True(
            metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
            $"{metadata.RuntimeStatus}: {metadata.FailureDetails?.ErrorType} {metadata.FailureDetails?.ErrorMessage}");
        return metadata.ReadOutputAs<GraphRunResult>()!;
    }

    /// <summary>Awaits <paramref name="task"/> or fails after the timeout.</summary>
    public static async Task<T> WithTimeout<T>(Task<T> task) => await task.WaitAsync(Timeout);

    /// <summary>Fails the test when the thread's orchestration has ended.</summary>
    public static async Task EnsureRunningAsync(DurableTaskClient client, string threadId)
    {
        var metadata = await client.GetInstanceAsync(GraphOrchestration.InstanceIdFor(threadId));
        Assert.True(metadata is { IsCompleted: false }, $"{metadata?.RuntimeStatus}: {metadata?.FailureDetails?.ErrorMessage}");
    }

    /// <summary>Polls the orchestration's custom status (no sleeping) until it shows interrupts.</summary>
    public static async Task<IReadOnlyList<InterruptInfo>> WaitForInterruptsAsync(DurableTaskClient client, string threadId)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var interrupts = await client.GetGraphInterruptsAsync(threadId, timeout.Token);
            if (interrupts.Count > 0)
            {
                return interrupts;
            }

            await EnsureRunningAsync(client, threadId);
            await Task.Yield();
        }
    }
}

using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.DurableTask.Protobuf;

namespace Checkpoint.DurableTask.Tests;

/// <summary>
/// Measures orchestration history as the worker receives it: every orchestrator work item carries
/// the generation's whole history (past + new events), so the largest one per execution id is the
/// size that generation's history reached. (The in-process backend serves no history to clients.)
/// </summary>
public sealed class HistoryMeter : Interceptor
{
    private readonly ConcurrentDictionary<string, Generation> _generations = new(StringComparer.Ordinal);

    /// <summary>Per execution (generation) of every orchestration: the most events and bytes it had.</summary>
    public IReadOnlyList<Generation> Generations(string instanceId) =>
        _generations.Values.Where(g => g.InstanceId == instanceId).ToList();

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, context);
        return new AsyncServerStreamingCall<TResponse>(
            new Reader<TResponse>(call.ResponseStream, this), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    private void Observe(object? message)
    {
        if (message is WorkItem { OrchestratorRequest: { } request })
        {
            var events = request.PastEvents.Count + request.NewEvents.Count;
            var bytes = request.PastEvents.Sum(e => e.CalculateSize()) + request.NewEvents.Sum(e => e.CalculateSize());
            _generations.AddOrUpdate(
                request.ExecutionId,
                _ => new Generation(request.InstanceId, request.ExecutionId, events, bytes),
                (_, g) => g with { Events = Math.Max(g.Events, events), Bytes = Math.Max(g.Bytes, bytes) });
        }
    }

    public sealed record Generation(string InstanceId, string ExecutionId, int Events, int Bytes);

    private sealed class Reader<T>(IAsyncStreamReader<T> inner, HistoryMeter meter) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            var moved = await inner.MoveNext(cancellationToken);
            if (moved)
            {
                meter.Observe(inner.Current);
            }

            return moved;
        }
    }
}

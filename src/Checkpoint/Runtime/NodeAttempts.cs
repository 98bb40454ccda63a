namespace Checkpoint.Runtime;

/// <summary>Runs one task's node under its <see cref="NodeOptions.Timeout"/> and <see cref="NodeOptions.Retry"/>.</summary>
internal static class NodeAttempts
{
    /// <summary>
    /// Runs the node until an attempt succeeds, the policy refuses the error or the attempts run out (then the last
    /// error is thrown); <paramref name="outcome"/> counts the attempts. Each attempt gets a fresh state from
    /// <paramref name="state"/>, so a node that mutated its input does not see its own failed attempt's changes.
    /// </summary>
    public static async Task<Update<TState>?> RunAsync<TState>(
        NodeSpec<TState> node, Func<TState> state, NodeContext context, TaskOutcome outcome, TimeProvider time)
    {
        var retry = node.Options.Retry;
        var random = retry is { Jitter: true } ? new Random(HashCode.Combine(context.TaskId, Environment.TickCount)) : null;
        for (var attempt = 1; ; attempt++)
        {
            outcome.Attempts = attempt;
            try
            {
                return await RunOnceAsync(node, state(), context, attempt, time).ConfigureAwait(false);
            }
            catch (Exception ex) when (retry is not null && attempt < retry.MaxAttempts && Retryable(ex, context, retry))
            {
                var wait = retry.IntervalAfter(attempt);
                if (random is not null)
                {
                    wait = TimeSpan.FromTicks((long)(wait.Ticks * (0.75 + (0.5 * random.NextDouble()))));
                }

                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, context.CancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private static async Task<Update<TState>?> RunOnceAsync<TState>(NodeSpec<TState> node, TState state, NodeContext context, int attempt, TimeProvider time)
    {
        if (node.Options.Timeout is not { } timeout)
        {
            return await node.Run(state, attempt == 1 ? context : context.ForAttempt(attempt, context.CancellationToken)).ConfigureAwait(false);
        }

        using var timer = new CancellationTokenSource(timeout, time);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, timer.Token);
        var running = node.Run(state, context.ForAttempt(attempt, limit.Token));
        try
        {
            // WaitAsync: a node that ignores its token still fails on time (its task is left to finish unobserved).
            return await running.WaitAsync(timeout, time, context.CancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!running.IsCompleted)
        {
            throw new NodeTimeoutException(node.Name, timeout);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new NodeTimeoutException(node.Name, timeout);
        }
    }

    // Never an interrupt or the run's own cancellation: those end the attempt for good.
    private static bool Retryable(Exception error, NodeContext context, NodeRetryPolicy retry) =>
        error is not NodeInterruptSignal
        && !(error is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        && retry.RetryOn(error);
}

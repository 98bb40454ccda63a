using System.Net;
using Checkpoint.Storage;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;

namespace Checkpoint.Tests.Engine;

/// <summary>Node retry and timeout policies: what is retried, how often, how long apart, and what the snapshot keeps.</summary>
public sealed class NodePolicyTests
{
    private static readonly NodeRetryPolicy Quick = new() { InitialInterval = TimeSpan.FromMilliseconds(1), Jitter = false };
    private readonly InMemoryCheckpointSaver _saver = new();

    private CompiledGraph<ChatState> OneNode(Func<ChatState, NodeContext, Task<Update<ChatState>>> node, NodeOptions options, CompileOptions? compile = null) =>
        new StateGraph<ChatState>()
            .AddNode("call", node, options)
            .AddEdge(Graph.Start, "call").AddEdge("call", Graph.End)
            .Compile(_saver, compile);

    private static Update<ChatState> Noted(string note) => new Update<ChatState>().Set(s => s.Note, note);

    [Fact]
    public async Task A_transient_failure_is_retried_until_the_node_succeeds()
    {
        var attempts = new List<int>();
        var graph = OneNode((_, context) =>
        {
            attempts.Add(context.Attempt);
            return context.Attempt < 3
                ? throw new HttpRequestException("busy", null, HttpStatusCode.ServiceUnavailable)
                : Task.FromResult(Noted($"answered on attempt {context.Attempt}"));
        }, new NodeOptions { Retry = Quick });

        var result = await graph.InvokeAsync(new ChatState(), RunConfig.ForThread("t"));

        Assert.Equal([1, 2, 3], attempts);
        Assert.Equal("answered on attempt 3", result.Note);
    }

    [Fact]
    public async Task Running_out_of_attempts_throws_the_last_error_and_the_snapshot_counts_the_attempts()
    {
        var calls = 0;
        var graph = OneNode((_, _) => throw new IOException($"disk gone {++calls}"), new NodeOptions { Retry = Quick with { MaxAttempts = 4 } });
        var run = RunConfig.ForThread("t");

        var error = await Assert.ThrowsAsync<IOException>(() => graph.InvokeAsync(new ChatState(), run));

        Assert.Equal(("disk gone 4", 4), (error.Message, calls));
        var task = Assert.Single((await graph.GetStateAsync(run))!.Tasks);
        Assert.Equal("IOException: disk gone 4 (after 4 attempts)", task.Error);
    }

    [Fact]
    public async Task A_programming_error_an_interrupt_and_a_refused_error_are_not_retried()
    {
        var calls = 0;
        var broken = OneNode((_, _) => throw new ArgumentException($"bad argument {++calls}"), new NodeOptions { Retry = Quick });
        var http404 = OneNode((_, _) => throw new HttpRequestException($"missing {++calls}", null, HttpStatusCode.NotFound), new NodeOptions { Retry = Quick });
        var picky = OneNode((_, _) => throw new IOException($"not this one {++calls}"), new NodeOptions { Retry = Quick with { RetryOn = e => e is TimeoutException } });
        var asking = OneNode((_, context) =>
        {
            calls++;
            return Task.FromResult(Noted(context.Interrupt<string>("approve?")));
        }, new NodeOptions { Retry = Quick });

        await Assert.ThrowsAsync<ArgumentException>(() => broken.InvokeAsync(new ChatState(), RunConfig.ForThread("a")));
        await Assert.ThrowsAsync<HttpRequestException>(() => http404.InvokeAsync(new ChatState(), RunConfig.ForThread("b")));
        await Assert.ThrowsAsync<IOException>(() => picky.InvokeAsync(new ChatState(), RunConfig.ForThread("c")));
        var paused = await asking.RunAsync(new ChatState(), RunConfig.ForThread("d"));

        Assert.Equal(4, calls);
        Assert.Single(paused.Interrupts);
        Assert.Equal("ArgumentException: bad argument 1", (await broken.GetStateAsync(RunConfig.ForThread("a")))!.Tasks[0].Error);
    }

    [Fact]
    public async Task The_waits_grow_by_the_backoff_factor_on_the_graphs_clock()
    {
        var clock = new FakeTimeProvider();
        var attempts = 0;
        var graph = OneNode((_, context) =>
        {
            Interlocked.Increment(ref attempts);
            return context.Attempt < 3 ? throw new TimeoutException("slow") : Task.FromResult(Noted("done"));
        }, new NodeOptions { Retry = new NodeRetryPolicy { InitialInterval = TimeSpan.FromMinutes(10), BackoffFactor = 3, MaxInterval = TimeSpan.FromHours(1) } }, new CompileOptions { TimeProvider = clock });

        var running = graph.InvokeAsync(new ChatState(), RunConfig.ForThread("t"));
        await WaitUntilAsync(() => Volatile.Read(ref attempts) == 1);

        // A minute of the graph's clock at a time (with a moment of real time for the run to react): the waits are
        // 10 and 30 minutes, each jittered to 75-125%.
        var first = await MinutesUntilAsync(clock, () => Volatile.Read(ref attempts) == 2);
        var second = await MinutesUntilAsync(clock, () => running.IsCompleted);

        Assert.InRange(first, 8, 14);
        Assert.InRange(second, 23, 39);
        Assert.Equal(("done", 3), ((await running).Note, attempts));
    }

    private static async Task<int> MinutesUntilAsync(FakeTimeProvider clock, Func<bool> condition)
    {
        for (var minutes = 1; minutes <= 120; minutes++)
        {
            await Task.Delay(20);
            clock.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(20);
            if (condition())
            {
                return minutes;
            }
        }

        throw new TimeoutException("the condition did not hold within 120 minutes of the graph's clock");
    }

    [Fact]
    public async Task A_node_past_its_timeout_fails_with_an_error_naming_it_even_when_it_ignores_its_token()
    {
        var cooperative = OneNode(async (_, context) =>
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return Noted("never");
        }, new NodeOptions { Timeout = TimeSpan.FromMilliseconds(50) });
        var stubborn = OneNode((_, _) => new TaskCompletionSource<Update<ChatState>>().Task, new NodeOptions { Timeout = TimeSpan.FromMilliseconds(50) });

        var first = await Assert.ThrowsAsync<NodeTimeoutException>(() => cooperative.InvokeAsync(new ChatState(), RunConfig.ForThread("a")));
        var second = await Assert.ThrowsAsync<NodeTimeoutException>(() => stubborn.InvokeAsync(new ChatState(), RunConfig.ForThread("b")));

        Assert.Equal(("call", TimeSpan.FromMilliseconds(50)), (first.Node, first.Timeout));
        Assert.Equal("Node 'call' did not finish within its timeout of 0.05 s.", second.Message);
    }

    [Fact]
    public async Task A_timed_out_attempt_is_retried_and_the_run_can_still_be_cancelled()
    {
        var graph = OneNode(async (_, context) =>
        {
            if (context.Attempt == 1)
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }

            return Noted($"attempt {context.Attempt}");
        }, new NodeOptions { Timeout = TimeSpan.FromMilliseconds(50), Retry = Quick });
        var hanging = OneNode(async (_, context) =>
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return Noted("never");
        }, new NodeOptions { Timeout = TimeSpan.FromMinutes(5), Retry = Quick });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        Assert.Equal("attempt 2", (await graph.InvokeAsync(new ChatState(), RunConfig.ForThread("a"))).Note);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hanging.InvokeAsync(new ChatState(), RunConfig.ForThread("b"), cancel.Token));
    }

    [Fact]
    public async Task A_retried_node_does_not_rerun_the_parallel_node_that_succeeded()
    {
        var counts = new Dictionary<string, int> { ["flaky"] = 0, ["steady"] = 0 };
        var graph = new StateGraph<ChatState>()
            .AddNode("flaky", _ => ++counts["flaky"] < 2 ? throw new IOException("blip") : new Update<ChatState>().Set(s => s.Messages, [new Message("f", "flaky")]),
                new NodeOptions { Retry = Quick })
            .AddNode("steady", _ =>
            {
                counts["steady"]++;
                return new Update<ChatState>().Set(s => s.Messages, [new Message("s", "steady")]);
            })
            .AddEdge(Graph.Start, "flaky").AddEdge(Graph.Start, "steady").AddEdge("flaky", Graph.End).AddEdge("steady", Graph.End)
            .Compile(_saver);

        var result = await graph.InvokeAsync(new ChatState(), RunConfig.ForThread("t"));

        Assert.Equal((2, 1), (counts["flaky"], counts["steady"]));
        Assert.Equal(["flaky", "steady"], result.Messages.Select(m => m.Content).Order());
    }

    [Fact]
    public void Policies_out_of_range_are_refused_naming_the_node()
    {
        var graph = new StateGraph<ChatState>();

        var attempts = Assert.Throws<ArgumentException>(() => graph.AddNode("n", _ => new Update<ChatState>(), new NodeOptions { Retry = new NodeRetryPolicy { MaxAttempts = 0 } }));
        var backoff = Assert.Throws<ArgumentException>(() => graph.AddNode("n", _ => new Update<ChatState>(), new NodeOptions { Retry = new NodeRetryPolicy { BackoffFactor = 0.5 } }));
        var timeout = Assert.Throws<ArgumentException>(() => graph.AddNode("n", _ => new Update<ChatState>(), new NodeOptions { Timeout = TimeSpan.Zero }));

        Assert.All([attempts, backoff, timeout], error => Assert.Contains("'n'", error.Message, StringComparison.Ordinal));
    }

    [Property]
    public Property Waits_never_shrink_and_never_pass_the_maximum(PositiveInt initialMs, PositiveInt maxMs, NormalFloat factor, PositiveInt attempts)
    {
        var policy = new NodeRetryPolicy
        {
            InitialInterval = TimeSpan.FromMilliseconds(initialMs.Get),
            MaxInterval = TimeSpan.FromMilliseconds(maxMs.Get),
            BackoffFactor = 1 + Math.Abs(factor.Get % 10),
        };
        var waits = Enumerable.Range(1, Math.Min(attempts.Get, 200)).Select(policy.IntervalAfter).ToList();
        return (waits.Zip(waits.Skip(1)).All(pair => pair.First <= pair.Second) && waits.All(wait => wait <= policy.MaxInterval)
                && waits[0] == TimeSpan.FromMilliseconds(Math.Min(initialMs.Get, maxMs.Get))).ToProperty();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(5, patience.Token);
        }
    }
}

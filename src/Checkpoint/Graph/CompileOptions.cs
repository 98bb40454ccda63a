using Microsoft.Extensions.Logging;

namespace Checkpoint;

/// <summary>Settings of a compiled graph.</summary>
public sealed record CompileOptions
{
    /// <summary>The run stops before these nodes (static interrupts); resume with <c>InvokeAsync(null, config)</c>.</summary>
    public IReadOnlyCollection<string> InterruptBefore { get; init; } = [];

    /// <summary>The run stops after these nodes (static interrupts).</summary>
    public IReadOnlyCollection<string> InterruptAfter { get; init; } = [];

    /// <summary>Where nodes with a <see cref="NodeOptions.Cache"/> policy keep their results; required when any node has one.</summary>
    public INodeCache? NodeCache { get; init; }

    /// <summary>The clock for checkpoint timestamps and ids.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Upcasters of stored values written by older versions of the state type (<see cref="StateVersionAttribute"/>),
    /// applied whenever this graph reads a checkpoint or a pending write. Null: no upcasters (values of the
    /// current version, and of older ones when no step is needed, still load).
    /// </summary>
    public StateMigrations? Migrations { get; init; }

    /// <summary>Where the run loop logs steps, retries and failures.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// Services nodes reach through <see cref="NodeContext.GetService{T}"/> (a memory store, clients, ...);
    /// any <see cref="IServiceProvider"/>, such as an application's DI container. Null: nodes get no services.
    /// </summary>
    public IServiceProvider? Services { get; init; }

    /// <summary>
    /// Called, in order, when a run reaches the end of the graph (no next node, no open interrupt) after its last
    /// checkpoint is saved; not when it stops for an interrupt or fails, and not when a run continues a thread that had
    /// already ended (nothing new ran). A handler's exception fails the call that ran the graph (the state stays saved).
    /// At least once: a Durable Task host that retries the last step's commit calls the handlers again, so they should
    /// be idempotent. Add one with <see cref="OnRunEnded"/>.
    /// </summary>
    public IReadOnlyList<Func<RunEnded, CancellationToken, Task>> RunEndedHandlers { get; init; } = [];

    /// <summary>A copy of these options with <paramref name="handler"/> added to <see cref="RunEndedHandlers"/>.</summary>
    public CompileOptions OnRunEnded(Func<RunEnded, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return this with { RunEndedHandlers = [.. RunEndedHandlers, handler] };
    }
}
